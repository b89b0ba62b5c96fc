"""Login with one's own organisation in Chromium: the portal's login page, the real test OIDC
provider (its own process), back to the portal's start page; axe on the portal's pages of the
journey and on the secretariat's provider and sign-up pages."""

import pytest
from django.urls import reverse

from actors.identity import identity_provider_create
from tests.browser.conftest import axe_violations
from tests.factories import MunicipalityFactory, PersonFactory, UserFactory
from tests.oidc_provider.server import PASSWORD
from tests.ssr_portal.oidc.world import provider_and_request

pytestmark = pytest.mark.browser

CALLBACK = "/konto/logga-in/organisation/svar/"


@pytest.fixture
def huddinge_login(oidc_provider, site):
    oidc_provider.setup(
        applications=[
            {
                "client_id": "portal-browser",
                "client_secret": "secret-browser-1234",
                "redirect_uris": [site + CALLBACK],
            }
        ],
        users=[{"username": "hanna", "email": "hanna@huddinge.example", "flags": ["mfa"]}],
    )
    actor = MunicipalityFactory(name="Huddinge kommun", municipality_code="0126")
    identity_provider_create(
        actor=actor,
        name="Huddinge kommun (Entra ID)",
        issuer=oidc_provider.issuer,
        client_id="portal-browser",
        client_secret="secret-browser-1234",
        email_domains="huddinge.example",
    )
    user = UserFactory(username="hanna", first_name="Hanna", last_name="Holm")
    PersonFactory(user=user, actor=actor, email="hanna@huddinge.example", first_name="Hanna")
    return oidc_provider, user


def test_a_person_logs_in_through_their_organisations_provider(huddinge_login, new_context, site):
    provider, user = huddinge_login
    page = new_context().new_page()
    page.goto(reverse("login"))
    assert axe_violations(page) == []
    page.fill("#id_oidc-email", "hanna@huddinge.example")
    page.locator(f"form[action='{reverse('oidc_start')}'] button[type=submit]").click()

    page.wait_for_url(f"{provider.url}/login/**")
    page.fill("#id_username", "hanna")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.wait_for_url(site + reverse("home"))
    assert "Hanna" in page.locator(".user-menu__name").inner_text()
    assert axe_violations(page) == []


def test_the_login_pages_of_the_journey_pass_axe(huddinge_login, new_context):
    page = new_context().new_page()
    page.goto(reverse("login"))
    page.fill("#id_oidc-email", "kim@tyreso.example")  # no provider: the page says so
    page.locator(f"form[action='{reverse('oidc_start')}'] button[type=submit]").click()
    page.wait_for_selector(".field__error")
    assert axe_violations(page) == []
    response = page.goto(reverse("oidc_callback") + "?code=x&state=gissad")
    assert response.status == 403
    assert axe_violations(page) == []
    page.goto(reverse("oidc_pending"))
    assert axe_violations(page) == []


def test_the_secretariats_provider_pages_pass_axe(new_context, secretariat_user):
    actor = MunicipalityFactory(name="Nacka kommun", municipality_code="0182")
    provider, signup = provider_and_request(actor)
    page = new_context(secretariat_user).new_page()
    failures = []
    for name, args, submit_empty in (
        ("actors:identity_provider_list", [], False),
        ("actors:identity_provider_create", [], True),
        ("actors:identity_provider_update", [provider.pk], False),
        ("actors:identity_provider_deactivate", [provider.pk], False),
        ("actors:identity_provider_activate", [provider.pk], False),
        ("actors:signup_request_list", [], False),
        ("actors:signup_request_approve", [signup.pk], True),
        ("actors:signup_request_reject", [signup.pk], False),
    ):
        response = page.goto(reverse(name, args=args))
        assert response.status == 200, name
        failures.extend(axe_violations(page))
        if submit_empty:
            form = page.locator("main form[novalidate]").first
            for field in form.locator("textarea, input[type=text], input[type=url]").all():
                field.fill("")
            with page.expect_navigation():
                form.locator("button[type=submit]").first.click()
            assert page.locator(".error-summary").count(), name
            failures.extend(axe_violations(page))
    assert not failures, "\n".join(failures)
