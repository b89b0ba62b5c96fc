"""The secretariat's provider and sign-up pages: who may open them, the form's checks, and the
history of the new models. No provider process is needed here."""

import pytest
from django.test import Client
from django.urls import reverse

from actors.identity import identity_provider_create
from actors.models import IdentityProvider, IdentityProviderDomain, SignupRequest
from planning.models import PlanningSettings
from tests.conftest import verified_login
from tests.factories import AssignmentFactory, FunctionFactory, MunicipalityFactory
from tests.ssr_portal.oidc.conftest import person_with_login
from tests.ssr_portal.oidc.world import provider_and_request

pytestmark = pytest.mark.django_db

PAGES = [
    ("actors:identity_provider_list", None),
    ("actors:identity_provider_create", None),
    ("actors:identity_provider_update", "provider"),
    ("actors:identity_provider_deactivate", "provider"),
    ("actors:identity_provider_activate", "provider"),
    ("actors:signup_request_list", None),
    ("actors:signup_request_approve", "signup"),
    ("actors:signup_request_reject", "signup"),
]
# (anonymous, member, actor contact, secretariat)
EXPECTED = (302, 403, 403, 200)


@pytest.fixture
def objects():
    actor = MunicipalityFactory(name="Nacka kommun", municipality_code="0182")
    provider, signup = provider_and_request(actor)
    return {"actor": actor, "provider": provider, "signup": signup}


@pytest.fixture
def roles(objects, member, secretariat):
    """The actor's designated contact (planning's contact function) may not either."""
    function = FunctionFactory(name="Kontaktperson")
    PlanningSettings.objects.update_or_create(pk=1, defaults={"contact_function": function})
    contact_user = person_with_login(objects["actor"], "kerstin@nacka.example")
    AssignmentFactory(
        person=contact_user.person,
        actor_function__actor=objects["actor"],
        actor_function__function=function,
    )
    from planning.access import is_contact

    assert is_contact(contact_user)
    return [Client(), member, verified_login(Client(), contact_user), secretariat]


@pytest.mark.parametrize(("name", "key"), PAGES, ids=[p[0] for p in PAGES])
def test_permission_matrix(name, key, objects, roles):
    url = reverse(name, args=[objects[key].pk] if key else [])
    for client, expected in zip(roles, EXPECTED, strict=True):
        response = client.get(url)
        assert response.status_code == expected, (url, expected, response.status_code)
        if expected == 302:
            assert response["Location"].startswith(reverse("login"))
        if expected == 403:
            assert client.post(url, {"name": "x", "first_name": "x"}).status_code == 403
    assert IdentityProvider.objects.count() == 1
    assert SignupRequest.objects.get().status == SignupRequest.Status.PENDING


def _data(actor, **changes):
    data = {
        "actor": actor.pk,
        "name": "Värmdö (Entra ID)",
        "issuer": "https://login.microsoftonline.com/abc/v2.0",
        "client_id": "portal",
        "client_secret": "s3cret",
        "email_domains": "varmdo.se\n@Varmdo.example, varmdo.se",
        "mfa_amr_values": "mfa",
        "mfa_acr_values": "",
    }
    data.update(changes)
    return data


def test_the_secretariat_creates_a_provider_with_its_domains(secretariat):
    actor = MunicipalityFactory(name="Värmdö kommun", municipality_code="0120")
    response = secretariat.post(reverse("actors:identity_provider_create"), _data(actor))
    assert response.status_code == 302, response.content.decode()[:2000]
    provider = IdentityProvider.objects.get(actor=actor)
    assert sorted(provider.domains.values_list("domain", flat=True)) == [
        "varmdo.example",
        "varmdo.se",
    ]
    assert provider.uses_discovery and provider.client_secret == "s3cret"


@pytest.mark.parametrize(
    "changes",
    [
        {"email_domains": "inte en domän"},
        {"email_domains": ""},
        {"email_domains": "localhost"},
        {"issuer": "not a url"},
        {"token_endpoint": "https://login.example/token"},  # one endpoint of three
        {"client_secret": ""},
    ],
)
def test_the_provider_form_refuses_bad_input(secretariat, changes):
    actor = MunicipalityFactory(name="Värmdö kommun", municipality_code="0120")
    response = secretariat.post(reverse("actors:identity_provider_create"), _data(actor, **changes))
    assert response.status_code == 400
    assert not IdentityProvider.objects.exists()


def test_a_domain_belongs_to_one_provider_only(secretariat, objects):
    actor = MunicipalityFactory(name="Värmdö kommun", municipality_code="0120")
    taken = objects["provider"].domains.get().domain
    response = secretariat.post(
        reverse("actors:identity_provider_create"), _data(actor, email_domains=taken)
    )
    assert response.status_code == 400
    assert "already belongs" in str(response.context["form"].errors) or "tillhör redan" in str(
        response.context["form"].errors
    )
    assert not IdentityProvider.objects.filter(actor=actor).exists()


def test_editing_keeps_the_secret_when_left_empty(secretariat, objects):
    provider = objects["provider"]
    url = reverse("actors:identity_provider_update", args=[provider.pk])
    data = _data(objects["actor"], client_secret="", email_domains="nacka.se")
    data.pop("actor")
    response = secretariat.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    provider.refresh_from_db()
    assert provider.client_secret == "hemligt"
    assert list(provider.domains.values_list("domain", flat=True)) == ["nacka.se"]
    assert "hemligt" not in secretariat.get(url).content.decode()


def test_deactivation_asks_first_then_deactivates(secretariat, objects):
    provider = objects["provider"]
    url = reverse("actors:identity_provider_deactivate", args=[provider.pk])
    assert secretariat.get(url).status_code == 200
    provider.refresh_from_db()
    assert provider.is_active
    assert secretariat.post(url).status_code == 302
    provider.refresh_from_db()
    assert not provider.is_active


def test_the_new_models_keep_their_history_without_the_secret(secretariat, objects):
    provider = objects["provider"]
    identity_provider_create  # noqa: B018  (the service wrote the first record)
    assert provider.history.count() == 1
    assert not hasattr(provider.history.first(), "client_secret")
    assert IdentityProviderDomain.history.filter(provider_id=provider.pk).exists()
    assert objects["signup"].history.count() == 1
    url = reverse("actors:object_history", args=["actors.identityprovider", provider.pk])
    page = secretariat.get(url)
    assert page.status_code == 200 and "hemligt" not in page.content.decode()
