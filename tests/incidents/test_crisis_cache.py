"""The start page's next steps come from the cache while nothing they rest on was written
(incidents.crisis.cached_next_steps_for): every write the steps are read from shows on the very
next visit, the clock moves a report to overdue and ends a direction in the cached copy too, and
the page answers from the database while Redis is down."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents import crisis
from incidents import services as incident_services
from incidents.models import ActorStatus, SeatAlert
from incidents.picture import services as picture_services
from tests.core.test_cache import _dead_location
from tests.factories import MunicipalityFactory
from tests.incidents.conftest import client_for, report

pytestmark = pytest.mark.django_db


def banner(client) -> str:
    """The crisis banner, without the CSRF tokens (masked anew for every response)."""
    page = client.get(reverse("home")).content.decode()
    found = re.search(r'<section class="crisis".*?</section>', page, re.S)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", found.group(0)) if found else ""


def test_a_second_visit_reads_the_steps_from_the_cache(incident, holder, seat, rsib):
    incident_services.direction_issue(incident=incident, text="Prioritera el.", by=rsib)
    client = client_for(holder)
    with CaptureQueriesContext(connection) as cold:
        first = banner(client)
    with CaptureQueriesContext(connection) as warm:
        assert banner(client) == first
    assert "Prioritera el." in first
    assert len(warm) <= len(cold) - 10
    read = " ".join(q["sql"] for q in warm.captured_queries)
    for table in ("incidents_situationreport", "incidents_direction", "incidents_seatalert"):
        assert f'"{table}"' not in read


@pytest.mark.parametrize(
    "write, shown",
    [
        (
            lambda incident, seat, holder, rsib: report(incident, seat.actor, holder),
            "senaste: version 1",
        ),
        (
            lambda incident, seat, holder, rsib: picture_services.picture_publish(
                incident=incident, audience="full", summary="Läget", published_by=rsib
            ),
            "Lägesbild version 1",
        ),
        (
            lambda incident, seat, holder, rsib: incident_services.direction_issue(
                incident=incident, text="Prioritera elförsörjning.", by=rsib
            ),
            "Prioritera elförsörjning.",
        ),
        (
            lambda incident, seat, holder, rsib: incident_services.actor_status_set(
                incident=incident, actor=seat.actor, status="active", by=rsib
            ),
            ": aktiv</p>",
        ),
    ],
    ids=["report", "picture", "direction", "status"],
)
def test_a_write_shows_on_the_next_visit(incident, holder, seat, rsib, write, shown):
    client = client_for(holder)
    assert shown not in banner(client)
    banner(client)  # from the cache
    write(incident, seat, holder, rsib)
    assert shown in banner(client)


def test_the_steps_go_when_the_incident_ends_or_the_actor_is_not_involved(
    incident, holder, seat, rsib
):
    client = client_for(holder)
    report_link = f"?actor={seat.actor.pk}"
    assert report_link in banner(client)
    incident_services.actor_status_set(
        incident=incident, actor=seat.actor, status=ActorStatus.Status.NOT_INVOLVED, by=rsib
    )
    assert report_link not in banner(client)
    incident_services.incident_deactivate(incident=incident, by=rsib)
    assert banner(client) == ""


def test_an_acknowledgement_by_the_link_in_the_alert_shows_on_the_start_page(
    incident, holder, seat
):
    """Acknowledged outside the portal (the e-mail's link): an update() without a signal."""
    from incidents import alerts

    client = client_for(holder)
    ack = reverse("incidents:acknowledge_in_portal", args=[incident.pk])
    assert f'action="{ack}"' in banner(client)
    alert = SeatAlert.objects.get(incident=incident, seat=seat)
    assert alerts.acknowledge(alert=alert, person=holder.person, via="email")
    assert f'action="{ack}"' not in banner(client)


def test_a_changed_list_of_forums_or_municipalities_drops_every_copy(incident, rsib):
    """m2m changes send m2m_changed, not post_save."""
    from django.core.cache import cache

    client = client_for(rsib)
    banner(client)
    assert cache.get(crisis.CRISIS_TOKEN_KEY) is not None
    incident.affected_municipalities.add(MunicipalityFactory(name="Botkyrka kommun"))
    assert cache.get(crisis.CRISIS_TOKEN_KEY) is None
    banner(client)
    assert cache.get(crisis.CRISIS_TOKEN_KEY) is not None
    incident.activated_forums.clear()
    assert cache.get(crisis.CRISIS_TOKEN_KEY) is None


def test_the_clock_moves_the_cached_copy(incident, holder, rsib, django_assert_num_queries):
    """A report falling due and a direction running out need no write: the copy is brought to
    the time of each read."""
    incident_services.direction_issue(
        incident=incident,
        text="Gäller en halvtimme.",
        by=rsib,
        valid_until=timezone.now() + datetime.timedelta(minutes=30),
    )
    holder.auth_cache_token = "token-1"  # as the user cache gives it (ssr_portal.auth_cache)
    [steps] = crisis.cached_next_steps_for(holder)
    assert not steps.reports[0].overdue and len(steps.directions) == 1
    later = timezone.now() + datetime.timedelta(minutes=61)
    with time_machine.travel(later, tick=False), django_assert_num_queries(0):
        [steps] = crisis.cached_next_steps_for(holder)
    assert steps.reports[0].overdue and steps.directions == []


def test_a_new_user_token_reads_the_steps_again(incident, holder):
    holder.auth_cache_token = "token-1"
    crisis.cached_next_steps_for(holder)
    with CaptureQueriesContext(connection) as same:
        crisis.cached_next_steps_for(holder)
    holder.auth_cache_token = "token-2"  # the user's permissions, groups or shifts changed
    with CaptureQueriesContext(connection) as changed:
        crisis.cached_next_steps_for(holder)
    assert len(same) == 0 and len(changed) >= 5


def test_the_start_page_answers_from_the_database_while_redis_is_down(
    incident, holder, seat, rsib, settings
):
    client = client_for(holder)
    banner(client)
    settings.CACHES = {
        "default": {**django_settings.CACHES["default"], "LOCATION": _dead_location()}
    }
    incident_services.direction_issue(incident=incident, text="Under avbrottet.", by=rsib)
    assert "Under avbrottet." in client.get(reverse("home")).content.decode()
