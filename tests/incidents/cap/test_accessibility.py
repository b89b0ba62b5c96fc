"""axe-core on the CAP pages at a phone's width: the RKK (the message's alerts with export and
cancel, and both forms, also with their errors) and a member of the forum (reading the alerts);
the pages never scroll sideways."""

import pytest
from django.urls import reverse

from incidents.cap import services
from tests.browser.conftest import (  # noqa: F401  (the browser fixtures)
    MOBILE,
    axe_violations,
    browser,
    new_context,
    no_horizontal_scroll,
    site,
    too_wide,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page, url: str, who: str) -> list[str]:
    response = page.goto(url)
    failures = [] if response.status < 400 else [f"{who} {url}: HTTP {response.status}"]
    if not no_horizontal_scroll(page):
        failures.append(f"{who} {url}: scrolls sideways: {too_wide(page)}")
    failures.extend(f"{who} {line}" for line in axe_violations(page))
    return failures


def test_cap_pages_pass_axe(message, rkk, holder, new_context):  # noqa: F811
    services.cap_export(
        message=message,
        urgency="Expected",
        severity="Moderate",
        certainty="Likely",
        instruction="Stanna inomhus.",
        by=rkk,
    )
    alerts = reverse("incidents:cap_message", args=[message.pk])
    failures = []
    page = new_context(rkk, viewport=MOBILE).new_page()
    for url in (
        alerts,
        reverse("incidents:cap_export", args=[message.pk]),
        reverse("incidents:cap_cancel", args=[message.pk]),
        message.incident.get_absolute_url(),
    ):
        failures.extend(_check(page, url, "rkk"))
    # The cancel form sent empty: its error message passes axe too.
    page.goto(reverse("incidents:cap_cancel", args=[message.pk]))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.locator(".errorlist, [aria-invalid=true]").count() > 0
    failures.extend(f"rkk (errors) {line}" for line in axe_violations(page))
    member = new_context(holder, viewport=MOBILE).new_page()
    failures.extend(_check(member, alerts, "member"))
    assert failures == [], "\n".join(failures)
