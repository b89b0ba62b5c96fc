"""The token pages: the secretariat manages every actor's tokens, an actor's contact person
("Kontaktperson för samverkan") their actor's; nobody else. The secret is shown once."""

import pytest
from django.urls import reverse

from api.models import ApiToken
from core import idempotency
from tests.api.conftest import bearer, make_token
from tests.incidents.conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "contact", "secretariat"]
# (anonymous, a member who is no contact, Huddinge's contact, the secretariat)
MANAGERS = (302, 403, 200, 200)
PAGES = [
    ("api:token_list", {}, MANAGERS),
    ("api:token_create", {}, MANAGERS),
    ("api:token_revoke", {"pk": "huddinge"}, MANAGERS),
    ("api:token_revoke", {"pk": "other"}, (302, 403, 403, 200)),
]


@pytest.fixture
def objects(seat, other_forum, outsider, secretariat_user):
    return {
        "huddinge": make_token(seat.actor, secretariat_user).token,
        "other": make_token(other_forum.seats.get().actor, secretariat_user).token,
    }


@pytest.fixture
def clients(anonymous, holder, contact, secretariat):
    return {
        "anonymous": anonymous,
        "member": client_for(holder),
        "contact": client_for(contact),
        "secretariat": secretariat,
    }


@pytest.mark.parametrize(("name", "kwargs", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_permission_matrix(name, kwargs, expected, objects, clients):
    url = reverse(name, kwargs={k: objects[v].pk for k, v in kwargs.items()})
    for role, status in zip(ROLES, expected, strict=True):
        assert clients[role].get(url).status_code == status, (role, url)
        if status == 403:
            assert clients[role].post(url, {}).status_code in (403, 405), (role, url)


def test_every_api_page_is_covered():
    from api.urls import urlpatterns

    pages = {p.name for p in urlpatterns if getattr(p, "name", None)}
    assert pages == {p[0].split(":")[1] for p in PAGES}


def test_the_contact_sees_only_their_actors_tokens(objects, clients):
    page = clients["contact"].get(reverse("api:token_list")).content.decode()
    assert objects["huddinge"].name in page
    assert f"ssr_{objects['other'].pk}_" not in page
    everything = clients["secretariat"].get(reverse("api:token_list")).content.decode()
    assert f"ssr_{objects['other'].pk}_" in everything


def test_a_token_created_on_the_page_is_shown_once_and_works(clients, seat, incident):
    contact = clients["contact"]
    form = contact.get(reverse("api:token_create")).content.decode()
    assert "Huddinge kommun" in form and "Regional chefsgrupp" not in form
    response = contact.post(
        reverse("api:token_create"),
        {
            "actor": seat.actor.pk,
            "name": "Huddinges ärendesystem",
            "scopes": ["read_incidents", "submit_reports"],
            "expires_on": "2027-06-30",
            idempotency.FIELD: idempotency.new_key(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    token = ApiToken.objects.get(name="Huddinges ärendesystem")
    assert token.scopes == ["read_incidents", "submit_reports"]
    page = contact.get(response["Location"]).content.decode()
    prefix = f"ssr_{token.pk}_"
    start = page.index(f'value="{prefix}') + len('value="')
    secret = page[start : page.index('"', start)]
    assert bearer(secret).get("/api/v1/incidents").json()["count"] == 1
    assert secret not in contact.get(reverse("api:token_list")).content.decode()  # once


def test_the_form_refuses_an_expiry_too_far_ahead_and_another_actor(
    clients, seat, other_forum, outsider
):
    data = {
        "actor": seat.actor.pk,
        "name": "System",
        "scopes": ["read_incidents"],
        "expires_on": "2099-01-01",
    }
    refused = clients["contact"].post(reverse("api:token_create"), data)
    assert refused.status_code == 400 and "400" in refused.content.decode()
    other = {**data, "actor": other_forum.seats.get().actor.pk, "expires_on": "2027-01-01"}
    assert clients["contact"].post(reverse("api:token_create"), other).status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_then_the_token_stops_working(objects, clients, seat):
    created = make_token(seat.actor, objects["huddinge"].created_by)
    url = reverse("api:token_revoke", args=[created.token.pk])
    question = clients["contact"].get(url)
    assert question.status_code == 200 and created.token.name in question.content.decode()
    assert bearer(created.secret).get("/api/v1/actors").status_code == 200
    done = clients["contact"].post(url, {idempotency.FIELD: idempotency.new_key()})
    assert done.status_code == 302
    created.token.refresh_from_db()
    assert created.token.revoked_at and created.token.revoked_by.username == "karin"
    assert bearer(created.secret).get("/api/v1/actors").status_code == 401
    assert clients["contact"].post(url, {}).status_code == 400  # already revoked


def test_the_list_does_not_add_queries_with_more_tokens(
    clients, seat, secretariat_user, django_assert_max_num_queries
):
    for _ in range(2):
        make_token(seat.actor, secretariat_user)
    with django_assert_max_num_queries(25) as few:
        clients["secretariat"].get(reverse("api:token_list"))
    for _ in range(10):
        make_token(seat.actor, secretariat_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert clients["secretariat"].get(reverse("api:token_list")).status_code == 200


@pytest.mark.parametrize(
    "role, tokens_link, webhooks_link",
    [("member", False, False), ("contact", True, False), ("secretariat", True, True)],
)
def test_the_start_page_leads_those_who_may_to_the_tokens_and_webhooks(
    clients, role, tokens_link, webhooks_link
):
    page = clients[role].get(reverse("home")).content.decode()
    assert (f'href="{reverse("api:token_list")}"' in page) is tokens_link
    assert (f'href="{reverse("notifications:webhook_list")}"' in page) is webhooks_link
