"""axe-core on the conference and checklist pages at a phone's width, for the coordinator (with
every form) and a member of the forum (reading); the pages never scroll sideways. The checklist
is ticked in the browser: htmx swaps the panel, and the swapped panel passes axe too."""

import pytest
from django.urls import reverse

from incidents.conferences import services
from tests.browser.conftest import (  # noqa: F401  (the browser fixtures)
    MOBILE,
    axe_violations,
    browser,
    new_context,
    no_horizontal_scroll,
    site,
    too_wide,
)
from tests.incidents.conferences.conftest import begun, schedule
from tests.incidents.conftest import report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page, url: str, who: str) -> list[str]:
    response = page.goto(url)
    failures = [] if response.status < 400 else [f"{who} {url}: HTTP {response.status}"]
    if not no_horizontal_scroll(page):
        failures.append(f"{who} {url}: scrolls sideways: {too_wide(page)}")
    failures.extend(f"{who} {line}" for line in axe_violations(page))
    return failures


def test_conference_and_checklist_pages_pass_axe(
    incident,
    forum,
    seat,
    holder,
    rsib,
    new_context,  # noqa: F811
):
    report(incident, seat.actor, holder, situation="Träd över vägarna", needs="Röjning")
    conference, closed = schedule(incident, rsib, forum, repeat_count=2, repeat_every_minutes=60)
    services.conference_action_add(
        conference=conference, by=rsib, text="Röj vägarna", owner=seat.actor
    )
    services.conference_decision_add(conference=closed, by=rsib, text="Prioritera sjukhusen.")
    services.conference_close(conference=begun(closed), by=rsib)
    item = incident.checklist_items.first()

    failures = []
    coordinator = new_context(rsib, viewport=MOBILE).new_page()
    for url in (
        conference.get_absolute_url(),
        closed.get_absolute_url(),
        reverse("incidents:conference_update", args=[conference.pk]),
        reverse("incidents:conference_cancel", args=[conference.pk]),
        reverse("incidents:conference_close", args=[conference.pk]),
        reverse("incidents:checklist_item_owner", args=[item.pk]),
        incident.get_absolute_url(),
    ):
        failures.extend(_check(coordinator, url, "rsib"))
    member = new_context(holder, viewport=MOBILE).new_page()
    for url in (conference.get_absolute_url(), incident.get_absolute_url()):
        failures.extend(_check(member, url, "member"))

    # Ticking with htmx: the panel is swapped in place, and passes axe.
    coordinator.goto(incident.get_absolute_url())
    coordinator.locator(f"#checklist-item-{item.pk} button[value=done]").click()
    coordinator.wait_for_selector(f"#checklist-item-{item.pk} .tag--ok")
    failures.extend(f"rsib (ticked) {line}" for line in axe_violations(coordinator))
    assert failures == [], "\n".join(failures)
    item.refresh_from_db()
    assert item.state == "done" and item.done_by == rsib
