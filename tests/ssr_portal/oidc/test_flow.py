"""Login through the actor's own OpenID Connect provider, against a real provider
(django-oauth-toolkit in a process of its own): the code flow with PKCE, two-factor from the
provider, sign-ups, and every token the portal must refuse."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from actors.identity import identity_provider_create, identity_provider_set_active
from actors.models import Person, SignupRequest
from core.models import AuditEvent
from notifications.models import Notification
from ssr_portal.models import IdentityProviderDevice
from tests.factories import PersonFactory, UserFactory
from tests.ssr_portal.oidc.conftest import (
    HUDDINGE,
    authorize,
    callback,
    person_with_login,
    provider_login,
    replace_param,
    start,
)

pytestmark = pytest.mark.django_db


def logged_in_as(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def refusal(response, reason: str) -> None:
    assert response.status_code == 403, response.content.decode()[:1000]
    assert response.context["reason"] == reason
    assert "_auth_user_id" not in response.client.session
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.OIDC_REFUSED).latest("occurred_at")
    assert event.detail.startswith(f"{reason}:"), event.detail


# --- The flow -----------------------------------------------------------------------------------


def test_a_person_logs_in_through_their_provider_with_pkce(bertil, huddinge_idp):
    client = Client()
    url = start(client, f"Bertil@{HUDDINGE.upper()}")
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(huddinge_idp.issuer + "/authorize/")
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["client_id"] == ["portal-huddinge"]
    assert query["state"] and query["nonce"] and query["state"] != query["nonce"]
    assert "openid" in query["scope"][0].split()

    response = callback(client, authorize(url, "bertil"))

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert logged_in_as(client) == bertil.pk
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN, user=bertil).exists()
    # No second factor was asserted: nothing marks the session as verified.
    assert not IdentityProviderDevice.objects.filter(user=bertil).exists()


def test_the_login_returns_to_the_page_asked_for(bertil):
    client = Client()
    page = client.post(
        reverse("oidc_start"),
        {"oidc-email": f"bertil@{HUDDINGE}", "next": reverse("actors:actor_list")},
    )
    response = callback(client, authorize(page.context["url"], "bertil"))
    assert response["Location"] == reverse("actors:actor_list")


def test_a_next_to_another_site_is_ignored(bertil):
    client = Client()
    page = client.post(
        reverse("oidc_start"), {"oidc-email": f"bertil@{HUDDINGE}", "next": "https://evil.example/"}
    )
    response = callback(client, authorize(page.context["url"], "bertil"))
    assert response["Location"] == reverse("home")


def test_a_code_verifier_that_does_not_match_is_refused_by_the_provider(bertil):
    """PKCE is verified by the provider: a code issued for another challenge is not exchanged
    with this login's verifier."""
    client = Client()
    other = "A" * 43  # the S256 challenge of some other verifier
    response = provider_login(
        client,
        f"bertil@{HUDDINGE}",
        "bertil",
        tamper=lambda url: replace_param(url, code_challenge=other),
    )
    refusal(response, "token_exchange")
    assert "invalid_grant" in AuditEvent.objects.latest("occurred_at").detail


def test_the_provider_refuses_an_authorisation_without_pkce(bertil, provider_accounts):
    client = Client()
    url = start(client, f"bertil@{HUDDINGE}")
    location = authorize(replace_param(url, code_challenge="", code_challenge_method=""), "bertil")
    assert "error=invalid_request" in location
    refusal(callback(client, location), "provider_error")


# --- Two factors ----------------------------------------------------------------------------


def test_a_provider_asserting_mfa_spares_the_secretariat_the_totp(anna):
    client = Client()
    response = provider_login(client, f"anna@{HUDDINGE}", "anna")
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200  # no verification, no enrolment page
    assert home.wsgi_request.user.is_verified()
    device = IdentityProviderDevice.objects.get(user=anna)
    assert device.verify_token("123456") is False
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.OIDC_MFA, user=anna)
    assert "mfa" in event.detail
    # The asserted factor is not an enrolment of the portal's own TOTP.
    from ssr_portal.two_factor import has_code_device

    assert not has_code_device(anna)


def test_without_mfa_from_the_provider_the_portals_totp_applies(huddinge_idp, huddinge):
    sec = person_with_login(huddinge, f"bertil@{HUDDINGE}", secretariat=True)
    TOTPDevice.objects.create(user=sec, name="app", confirmed=True)
    client = Client()
    provider_login(client, f"bertil@{HUDDINGE}", "bertil")
    assert logged_in_as(client) == sec.pk
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_without_mfa_and_without_a_device_the_secretariat_enrols(huddinge_idp, huddinge):
    person_with_login(huddinge, f"bertil@{HUDDINGE}", secretariat=True)
    client = Client()
    provider_login(client, f"bertil@{HUDDINGE}", "bertil")
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_an_mfa_device_from_an_earlier_login_does_not_verify_a_later_one(anna, huddinge_idp):
    """Anna logged in once with MFA; a later login through a provider that no longer counts
    her amr as two factors must ask for the portal's TOTP (and can enrol it)."""
    provider_login(Client(), f"anna@{HUDDINGE}", "anna")
    huddinge_idp.mfa_amr_values = "hwk"
    huddinge_idp.save()
    client = Client()
    provider_login(client, f"anna@{HUDDINGE}", "anna")
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))
    assert client.get(reverse("two_factor_setup")).status_code == 200


def test_an_acr_listed_by_the_provider_counts_as_two_factor(huddinge_idp, huddinge):
    huddinge_idp.mfa_acr_values = "http://id.elegnamnden.se/loa/1.0/loa3"
    huddinge_idp.save()
    user = person_with_login(huddinge, f"lena@{HUDDINGE}", secretariat=True)
    client = Client()
    provider_login(client, f"lena@{HUDDINGE}", "loa3")
    assert logged_in_as(client) == user.pk
    assert client.get(reverse("home")).status_code == 200


# --- Refusals -----------------------------------------------------------------------------------


def test_a_replayed_state_is_refused(bertil):
    client = Client()
    location = authorize(start(client, f"bertil@{HUDDINGE}"), "bertil")
    assert callback(client, location).status_code == 302
    client.post(reverse("logout"))
    refusal(callback(client, location), "unknown_state")


def test_an_unknown_state_is_refused(bertil):
    client = Client()
    location = authorize(start(client, f"bertil@{HUDDINGE}"), "bertil")
    refusal(callback(client, replace_param(location, state="guessed")), "unknown_state")
    # Another browser (another session) cannot use the state either.
    refusal(callback(Client(), location), "unknown_state")


def test_a_wrong_issuer_is_refused(bertil, huddinge_idp, provider_accounts):
    """The endpoints are the real provider's; the issuer configured is another one."""
    huddinge_idp.issuer = provider_accounts.issuer + "/other"
    for name, value in provider_accounts.endpoints().items():
        setattr(huddinge_idp, name, value)
    huddinge_idp.save()
    refusal(provider_login(Client(), f"bertil@{HUDDINGE}", "bertil"), "issuer")


def test_a_discovery_document_of_another_issuer_is_refused(bertil, huddinge_idp):
    huddinge_idp.issuer += "/"
    huddinge_idp.save()
    response = Client().post(reverse("oidc_start"), {"oidc-email": f"bertil@{HUDDINGE}"})
    refusal(response, "issuer")


def test_a_wrong_audience_is_refused(huddinge_idp, huddinge):
    person_with_login(huddinge, f"w@{HUDDINGE}")
    refusal(provider_login(Client(), f"w@{HUDDINGE}", "wrongaud"), "audience")


def test_an_authorised_party_other_than_the_portal_is_refused(huddinge_idp, huddinge):
    person_with_login(huddinge, f"z@{HUDDINGE}")
    refusal(provider_login(Client(), f"z@{HUDDINGE}", "otherazp"), "audience")


def test_an_expired_token_is_refused(huddinge_idp, huddinge):
    person_with_login(huddinge, f"e@{HUDDINGE}")
    refusal(provider_login(Client(), f"e@{HUDDINGE}", "expired"), "expired")


def test_a_token_issued_in_the_future_is_refused(huddinge_idp, huddinge):
    person_with_login(huddinge, f"f@{HUDDINGE}")
    refusal(provider_login(Client(), f"f@{HUDDINGE}", "future"), "iat_future")


def test_a_nonce_of_another_login_is_refused(bertil):
    response = provider_login(
        Client(),
        f"bertil@{HUDDINGE}",
        "bertil",
        tamper=lambda url: replace_param(url, nonce="someone-elses-nonce"),
    )
    refusal(response, "nonce")


def test_a_signature_that_does_not_verify_is_refused(bertil, huddinge_idp, provider_accounts):
    """The key set read is another one, under the provider's own key id."""
    endpoints = provider_accounts.endpoints()
    huddinge_idp.authorization_endpoint = endpoints["authorization_endpoint"]
    huddinge_idp.token_endpoint = endpoints["token_endpoint"]
    huddinge_idp.jwks_uri = provider_accounts.url + "/foreign-jwks/"
    huddinge_idp.save()
    refusal(provider_login(Client(), f"bertil@{HUDDINGE}", "bertil"), "signature")


def test_an_unverified_email_is_refused(huddinge_idp, huddinge):
    person_with_login(huddinge, f"u@{HUDDINGE}")
    refusal(provider_login(Client(), f"u@{HUDDINGE}", "unverified"), "email_unverified")


def test_a_provider_cannot_log_in_people_of_another_actors_domain(
    bertil, huddinge_idp, polisen_idp, polisen
):
    """Huddinge's provider says the user is pia@polisen.example: not Huddinge's to vouch for."""
    person_with_login(polisen, "pia@polisen.example")
    response = provider_login(Client(), f"bertil@{HUDDINGE}", "polis")
    refusal(response, "domain")
    assert not SignupRequest.objects.exists()


def test_a_person_of_another_actor_is_refused(huddinge_idp, polisen):
    """Mats's address is of Huddinge's domain, but the registry has him at Polisen."""
    person_with_login(polisen, f"mats@{HUDDINGE}")
    refusal(provider_login(Client(), f"mats@{HUDDINGE}", "moved"), "actor")


def test_an_error_from_the_provider_is_refused_and_uses_up_the_state(bertil):
    client = Client()
    state = parse_qs(urlsplit(start(client, f"bertil@{HUDDINGE}")).query)["state"][0]
    response = client.get(reverse("oidc_callback"), {"error": "access_denied", "state": state})
    refusal(response, "provider_error")
    assert state not in client.session.get("oidc_states", {})


def test_a_deactivated_provider_cannot_finish_a_started_login(bertil, huddinge_idp):
    client = Client()
    url = start(client, f"bertil@{HUDDINGE}")
    identity_provider_set_active(provider=huddinge_idp, active=False)
    refusal(callback(client, authorize(url, "bertil")), "provider_inactive")


def test_a_callback_without_anything_is_a_refusal_not_an_error(db):
    response = Client().get(reverse("oidc_callback"), {"code": "x", "state": "\u202e" * 50})
    refusal(response, "unknown_state")


# --- Who logs in --------------------------------------------------------------------------------


def test_an_unknown_email_becomes_a_request_that_the_secretariat_approves(
    huddinge_idp, huddinge, secretariat, secretariat_user
):
    client = Client()
    response = provider_login(client, f"ny.person@{HUDDINGE}", "ny")
    assert response["Location"] == reverse("oidc_pending")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("oidc_pending"))
    assert page.status_code == 200
    assert f"ny.person@{HUDDINGE}" in page.content.decode()
    signup = SignupRequest.objects.get()
    assert (signup.actor, signup.provider, signup.status) == (
        huddinge,
        huddinge_idp,
        SignupRequest.Status.PENDING,
    )
    assert (signup.first_name, signup.last_name) == ("Nils", "Nyman")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGNUP_REQUESTED).count() == 1

    # The secretariat hears of it in the portal and by e-mail.
    notices = Notification.objects.filter(kind="signup_request")
    assert sorted(n.channel for n in notices) == ["email", "portal"]
    assert {n.recipient.user for n in notices} == {secretariat_user}
    assert notices[0].subject == f"Inloggning begärd: Nils Nyman, {huddinge.name}"
    assert reverse("actors:signup_request_list") in notices[0].body

    # Trying again does not make a second request, nor a second notice.
    provider_login(Client(), f"ny.person@{HUDDINGE}", "ny")
    assert SignupRequest.objects.count() == 1
    assert Notification.objects.filter(kind="signup_request").count() == 2

    listing = secretariat.get(reverse("actors:signup_request_list"))
    assert f"ny.person@{HUDDINGE}" in listing.content.decode()
    url = reverse("actors:signup_request_approve", args=[signup.pk])
    form = secretariat.get(url)
    assert form.context["form"].initial == {"first_name": "Nils", "last_name": "Nyman"}
    answer = secretariat.post(url, {"first_name": "Nils", "last_name": "Nyman"})
    assert answer.status_code == 302

    person = Person.objects.get(email=f"ny.person@{HUDDINGE}")
    assert person.actor == huddinge and person.user is not None
    assert not person.user.has_usable_password()
    signup.refresh_from_db()
    assert signup.status == SignupRequest.Status.APPROVED and signup.person == person
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGNUP_APPROVED).exists()

    client = Client()
    response = provider_login(client, f"ny.person@{HUDDINGE}", "ny")
    assert response["Location"] == reverse("home")
    assert logged_in_as(client) == person.user.pk


def test_a_rejected_request_is_told_so(huddinge_idp, secretariat):
    provider_login(Client(), f"ny.person@{HUDDINGE}", "ny")
    signup = SignupRequest.objects.get()
    url = reverse("actors:signup_request_reject", args=[signup.pk])
    assert secretariat.get(url).status_code == 200  # the confirmation
    assert secretariat.post(url).status_code == 302
    signup.refresh_from_db()
    assert signup.status == SignupRequest.Status.REJECTED
    refusal(provider_login(Client(), f"ny.person@{HUDDINGE}", "ny"), "rejected")
    assert SignupRequest.objects.count() == 1


def test_a_person_of_the_registry_without_a_login_gets_one_without_a_password(
    huddinge_idp, huddinge
):
    person = PersonFactory(actor=huddinge, email=f"bertil@{HUDDINGE}", user=None)
    client = Client()
    provider_login(client, f"bertil@{HUDDINGE}", "bertil")
    person.refresh_from_db()
    assert person.user is not None and logged_in_as(client) == person.user.pk
    assert not person.user.has_usable_password()


def test_a_closed_login_is_refused(bertil):
    bertil.is_active = False
    bertil.save()
    refusal(provider_login(Client(), f"bertil@{HUDDINGE}", "bertil"), "inactive")


# --- The login page -------------------------------------------------------------------------


def test_a_domain_without_a_provider_is_told_to_use_the_password(huddinge_idp):
    response = Client().post(reverse("oidc_start"), {"oidc-email": "kim@tyreso.example"})
    assert response.status_code == 400
    assert response.context["oidc_form"].errors["email"]
    assert "password" in str(response.context["oidc_form"].errors["email"][0]) or "lösenord" in (
        str(response.context["oidc_form"].errors["email"][0])
    )
    assert response.context["form"] is not None  # the password form is still there


def test_a_deactivated_provider_is_not_offered(bertil, huddinge_idp):
    identity_provider_set_active(provider=huddinge_idp, active=False)
    response = Client().post(reverse("oidc_start"), {"oidc-email": f"bertil@{HUDDINGE}"})
    assert response.status_code == 400


def test_the_password_login_is_unchanged_for_an_actor_without_a_provider(huddinge_idp):
    user = UserFactory(username="kim")
    client = Client()
    page = client.get(reverse("login"))
    assert page.status_code == 200 and "oidc_form" in page.context
    response = client.post(
        reverse("login"), {"username": "kim", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and logged_in_as(client) == user.pk


def test_the_start_accepts_only_post(db):
    assert Client().get(reverse("oidc_start")).status_code == 405


def test_a_provider_that_cannot_be_reached_is_a_clear_page(huddinge):
    provider = identity_provider_create(
        actor=huddinge,
        name="Nere",
        issuer="http://127.0.0.1:9/nere",  # the discard port: nothing answers
        client_id="x",
        client_secret="y",
        email_domains="nere.example",
    )
    response = Client().post(reverse("oidc_start"), {"oidc-email": "a@nere.example"})
    assert response.status_code == 502
    assert response.context["reason"] == "unreachable"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.OIDC_REFUSED).exists()
    assert provider.pk


def test_users_made_by_approval_have_no_usable_password(huddinge_idp, secretariat):
    from actors.identity import signup_request_approve, signup_request_record

    signup = signup_request_record(
        provider=huddinge_idp, email=f"Ny@{HUDDINGE}", subject="s-1", first_name="N"
    )
    person = signup_request_approve(
        signup=signup,
        by=get_user_model().objects.get(username="sara"),
        first_name="Ny",
        last_name="Person",
    )
    assert person.email == f"ny@{HUDDINGE}"
    assert not person.user.has_usable_password()
