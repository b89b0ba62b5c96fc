"""Requests in the browser: axe-core on the request pages at a phone's width (a request's page
for the asked actor, with its answer form also sent empty, and for the asker; the list and the
form), and the journey of a request from the RSIB to its delivery by the police."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import SupportRequest
from tests.browser.conftest import (  # noqa: F401  (the browser fixtures)
    MOBILE,
    axe_violations,
    browser,
    new_context,
    no_horizontal_scroll,
    site,
    too_wide,
)

from .conftest import raise_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_request_page_passes_axe_for_the_asked_and_the_asker(
    crisis,
    holder,
    huddinge,
    police,
    police_user,
    new_context,  # noqa: F811
):
    request = raise_request(
        crisis, holder, actor=huddinge, addressed=[police], description="Till äldreboendet."
    )
    failures = []
    for user in (police_user, holder):
        page = new_context(user, viewport=MOBILE).new_page()
        page.goto(request.get_absolute_url())
        if not no_horizontal_scroll(page):
            failures.append(f"{user}: scrolls sideways: {too_wide(page)}")
        failures.extend(f"{user} {line}" for line in axe_violations(page))
        if user == police_user:
            assert page.locator("#answer-heading").count() == 1
            page.locator("button", has_text="Skicka svaret").click()
            page.wait_for_load_state()
            assert page.locator(".error-summary").count() == 1
            failures.extend(f"{user} (errors) {line}" for line in axe_violations(page))
    assert failures == []


def test_the_list_and_the_form_pass_axe_with_their_errors(
    crisis,
    holder,
    huddinge,
    police,
    new_context,  # noqa: F811
):
    raise_request(crisis, holder, actor=huddinge, addressed=[police])
    page = new_context(holder, viewport=MOBILE).new_page()
    failures = []
    for name in ("incidents:support_request_list", "incidents:support_request_create"):
        page.goto(reverse(name, args=[crisis.pk]))
        if not no_horizontal_scroll(page):
            failures.append(f"{name}: scrolls sideways: {too_wide(page)}")
        failures.extend(f"{name} {line}" for line in axe_violations(page))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    failures.extend(f"(errors) {line}" for line in axe_violations(page))
    assert failures == []


def test_the_rsib_raises_a_request_that_the_police_accepts_and_delivers(
    crisis,
    rsib,
    police,
    police_user,
    holder,
    new_context,  # noqa: F811
):
    """The journey in the browser: raised by the RSIB to the police, accepted and delivered by
    the police's duty officer; the steps show on the request and in the incident log."""
    coordinator = new_context(rsib).new_page()
    coordinator.goto(reverse("incidents:incident_detail", args=[crisis.pk]))
    coordinator.get_by_role("link", name="Begär stöd").first.click()
    coordinator.get_by_label("Vad som behövs").fill("Avspärrning av Huddingevägen")
    coordinator.get_by_label("Polismyndigheten").check()
    needed_by = timezone.localtime(timezone.now() + datetime.timedelta(hours=3))
    coordinator.get_by_label("Behövs senast").fill(needed_by.strftime("%Y-%m-%dT%H:%M"))
    coordinator.get_by_role("button", name="Spara").click()
    coordinator.wait_for_load_state()
    assert coordinator.get_by_role("heading", name="Avspärrning av Huddingevägen").count() == 1
    request = SupportRequest.objects.get()
    assert request.raised_by_actor is None

    police_page = new_context(police_user).new_page()
    police_page.goto(reverse("incidents:incident_detail", args=[crisis.pk]))
    police_page.get_by_role("link", name="Avspärrning av Huddingevägen").first.click()
    police_page.get_by_label("Vi accepterar", exact=True).check()
    police_page.get_by_role("button", name="Skicka svaret").click()
    police_page.wait_for_load_state()
    police_page.get_by_role("button", name="Markera som levererad").click()
    police_page.wait_for_load_state()
    request.refresh_from_db()
    assert request.status == SupportRequest.Status.DELIVERED
    assert request.answered_by_actor == police
    steps = police_page.locator("#steps-heading + ol").inner_text()
    assert "Begäran ställd" in steps and "Accepterad" in steps and "Levererad" in steps
    coordinator.goto(reverse("incidents:incident_log", args=[crisis.pk]))
    log = coordinator.locator("main").inner_text()
    assert "Polismyndigheten levererade begäran Avspärrning av Huddingevägen" in log
