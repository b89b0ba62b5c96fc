"""The start page during an active incident: the crisis banner first, with the member's next steps
(acknowledge, report, read the picture, acknowledge directions), the on-duty line that links the
RSIB, the menu button of a phone, and the service worker that keeps the picture offline."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums.services import forum_access_sync
from incidents import crisis
from incidents import services as incident_services
from incidents.models import ActorStatus, Incident, SeatAlert
from incidents.picture import services as picture_services
from tests.factories import (
    ActorFactory,
    AssignmentFactory,
    ForumFactory,
    PersonFactory,
    SeatFactory,
    UserFactory,
)
from tests.incidents import conftest as incident_fixtures
from tests.incidents.conftest import client_for

# The incident tests' people and incident (Rut the RSIB on duty, Kim the RKK, a storm).
incident, prepared, rkk, rsib = (
    incident_fixtures.incident,
    incident_fixtures.prepared,
    incident_fixtures.rkk,
    incident_fixtures.rsib,
)

pytestmark = pytest.mark.django_db


def banner(client) -> str:
    """The crisis banner of the start page, or "" when there is none."""
    page = client.get(reverse("home")).content.decode()
    found = re.search(r'<section class="crisis".*?</section>', page, re.S)
    return found.group(0) if found else ""


def main(client) -> str:
    page = client.get(reverse("home")).content.decode()
    return page[page.index('<main id="main"') :]


# --- The banner ----------------------------------------------------------------------------------


def test_no_banner_in_ordinary_mode(holder_client, forum):
    assert banner(holder_client) == ""


def test_the_banner_comes_first_with_the_incident_its_state_and_my_next_steps(
    incident, holder_client, seat
):
    page = main(holder_client)
    assert page.index('class="crisis"') < page.index("<h1>"), "the banner comes first"
    shown = banner(holder_client)
    assert "Storm över länet" in shown and incident.get_absolute_url() in shown
    assert "Aktiverad" in shown and "Mina nästa steg" in shown
    # Acknowledge the alert: a POST button, one click.
    ack = reverse("incidents:acknowledge_in_portal", args=[incident.pk])
    assert f'action="{ack}"' in shown and "Kvittera aktiveringslarmet" in shown
    # The first report, due a rhythm (60 minutes) after the activation.
    due = timezone.localtime(incident.activated_at + datetime.timedelta(minutes=60))
    assert f"{reverse('incidents:report_create', args=[incident.pk])}?actor={seat.actor.pk}" in (
        shown
    )
    assert f"{due:%H:%M}" in shown and "försenad" not in shown
    # The picture, one click away even before one is published.
    assert reverse("incidents:picture", args=[incident.pk]) in shown
    assert "Ingen lägesbild har publicerats" in shown


def test_acknowledging_from_the_banner_records_it_and_the_step_goes(incident, holder, seat):
    client = client_for(holder)
    ack = reverse("incidents:acknowledge_in_portal", args=[incident.pk])
    assert f'action="{ack}"' in banner(client)
    response = client.post(ack)
    assert response.status_code == 302
    alert = SeatAlert.objects.get(incident=incident, seat=seat)
    assert alert.acknowledged_by == holder.person and alert.acknowledged_via == "portal"
    assert f'action="{ack}"' not in banner(client)


def test_an_overdue_report_is_marked_and_a_report_moves_the_due_time(incident, holder, seat):
    Incident.objects.filter(pk=incident.pk).update(
        activated_at=timezone.now() - datetime.timedelta(minutes=90)
    )
    client = client_for(holder)
    shown = banner(client)
    assert '<span class="tag tag--alert">försenad</span>' in shown
    assert "next-step--urgent" in shown

    report = incident_services.report_submit(
        incident=incident, actor=seat.actor, submitted_by=holder, situation="Läget", impact="normal"
    )
    [steps] = crisis.next_steps_for(holder)
    [step] = steps.reports
    assert step.latest.pk == report.pk and not step.overdue
    assert step.due == report.submitted_at + datetime.timedelta(minutes=60)
    shown = banner(client)
    assert "försenad" not in shown and "senaste: version 1" in shown


def test_a_promised_report_time_counts_and_an_actor_not_involved_reports_nothing(
    incident, holder, seat, rsib
):
    promised = timezone.now() + datetime.timedelta(hours=5)
    incident_services.report_submit(
        incident=incident,
        actor=seat.actor,
        submitted_by=holder,
        situation="Läget",
        impact="normal",
        next_report_due=promised,
    )
    [steps] = crisis.next_steps_for(holder)
    assert steps.reports[0].due == promised
    ActorStatus.objects.create(
        incident=incident, actor=seat.actor, status=ActorStatus.Status.NOT_INVOLVED, set_by=rsib
    )
    [steps] = crisis.next_steps_for(holder)
    assert steps.reports == []


def test_the_newest_picture_and_the_directions_to_acknowledge(incident, holder, seat, rsib):
    picture_services.picture_publish(
        incident=incident, audience="full", summary="Första", published_by=rsib
    )
    newest = picture_services.picture_publish(
        incident=incident, audience="full", summary="Andra", published_by=rsib
    )
    direction = incident_services.direction_issue(
        incident=incident, text="Prioritera elförsörjning.", by=rsib
    )
    client = client_for(holder)
    shown = banner(client)
    assert f"Lägesbild version {newest.version}" in shown
    assert "Prioritera elförsörjning." in shown
    action = reverse("incidents:direction_acknowledge", args=[direction.pk])
    assert f'action="{action}"' in shown and f'value="{seat.actor.pk}"' in shown

    response = client.post(action, {"actor": seat.actor.pk})
    assert response.status_code == 302
    assert f'action="{action}"' not in banner(client)


def test_an_expired_direction_is_not_asked_for(incident, holder, rsib):
    direction = incident_services.direction_issue(
        incident=incident,
        text="Gällde en stund.",
        by=rsib,
        valid_until=timezone.now() + datetime.timedelta(minutes=30),
    )
    [steps] = crisis.next_steps_for(holder)
    assert [step.direction for step in steps.directions] == [direction]
    later = timezone.now() + datetime.timedelta(minutes=31)
    [steps] = crisis.next_steps_for(holder, now=later)
    assert steps.directions == []


def test_someone_outside_the_incident_sees_no_banner(incident, outsider):
    assert banner(client_for(outsider)) == ""
    assert crisis.next_steps_for(outsider) == []


def test_a_deactivated_incident_has_no_banner(incident, holder, rsib):
    incident_services.incident_deactivate(incident=incident, by=rsib)
    assert banner(client_for(holder)) == ""


def test_the_rsib_sees_the_banner_with_the_board_and_no_report_of_their_own(incident, rsib):
    shown = banner(client_for(rsib))
    assert reverse("incidents:board", args=[incident.pk]) in shown
    assert "/rapport/" not in shown
    assert "Kvittera aktiveringslarmet" not in shown


def test_the_rsibs_open_signals_come_first_then_the_banner(incident, rsib, holder, member_user):
    made = incident_services.signal_create(
        actor=member_user.person.actor,
        signalled_by=member_user,
        what="Brand i industriområde",
        assessment="Stor",
    )
    page = main(client_for(rsib))
    assert made.get_absolute_url() in page
    assert page.index('id="open-signals"') < page.index('class="crisis"') < page.index("<h1>")
    assert 'id="open-signals"' not in main(client_for(holder))


def test_an_affected_municipality_is_asked_to_report(incident, secretariat_user):
    """An affected municipality takes part in the incident even without a seat."""
    botkyrka = ActorFactory(name="Botkyrka kommun", kind="municipality")
    incident.affected_municipalities.add(botkyrka)
    person = secretariat_user.person
    person.actor = botkyrka
    person.save()
    [steps] = crisis.next_steps_for(secretariat_user)
    assert [step.actor for step in steps.reports] == [botkyrka]


def test_a_municipality_without_a_seat_acknowledges_and_reports_from_the_banner(
    forum, seat, holder, rsib
):
    """Its people see the incident, acknowledge the alert to its 24/7 address and report."""
    from incidents.models import ActorAlert
    from tests.factories import MunicipalityFactory

    botkyrka = MunicipalityFactory(name="Botkyrka kommun")
    bo = UserFactory(username="bo")
    PersonFactory(user=bo, actor=botkyrka)
    incident = incident_services.incident_activate(
        activated_by=rsib, title="Storm", forums=[forum], municipalities=[botkyrka]
    )
    client = client_for(bo)
    shown = banner(client)
    ack = reverse("incidents:acknowledge_in_portal", args=[incident.pk])
    assert f'action="{ack}"' in shown
    assert f"?actor={botkyrka.pk}" in shown
    client.post(ack)
    assert ActorAlert.objects.get(incident=incident, actor=botkyrka).acknowledged_at
    assert f'action="{ack}"' not in banner(client)


def test_a_cluster_seat_asks_its_representing_municipality(forum, rsib, prepared):
    from forums.models import ClusterRepresentation
    from tests.factories import ClusterFactory, MunicipalityFactory

    cluster = ClusterFactory(name="Syd")
    nykvarn = MunicipalityFactory(name="Nykvarns kommun")
    ClusterRepresentation.objects.create(
        cluster=cluster, municipality=nykvarn, starts_on=datetime.date(2025, 1, 1)
    )
    seat = SeatFactory(forum=forum, actor=None, cluster=cluster, function__name="Beredskapschef")
    user = UserFactory(username="nils")
    person = PersonFactory(user=user, actor=nykvarn)
    function = nykvarn.actor_functions.get_or_create(function=seat.function)[0]
    AssignmentFactory(actor_function=function, person=person)
    forum_access_sync()
    incident = incident_services.incident_activate(
        activated_by=rsib, title="Översvämning", forums=[forum], prepared_direction=prepared
    )
    [steps] = crisis.next_steps_for(user)
    assert steps.incident == incident
    assert steps.acknowledge
    assert [step.actor for step in steps.reports] == [nykvarn]


def _activate_more(forum, rsib, count: int) -> None:
    for n in range(count):
        incident = incident_services.incident_activate(
            activated_by=rsib, title=f"Händelse {n}", forums=[forum]
        )
        incident.affected_municipalities.add(ActorFactory(kind="municipality"))
        for text in ("Första", "Andra"):
            incident_services.direction_issue(incident=incident, text=text, by=rsib)
        picture_services.picture_publish(
            incident=incident, audience="full", summary="Läget", published_by=rsib
        )


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_next_steps_take_a_constant_number_of_queries(incident, holder, forum, rsib, seat):
    incident_services.report_submit(
        incident=incident, actor=seat.actor, submitted_by=holder, situation="Läget", impact="normal"
    )
    incident_services.direction_issue(incident=incident, text="Inriktning", by=rsib)
    holder = type(holder).objects.get(pk=holder.pk)  # nothing cached on the user
    one = _queries(lambda: crisis.next_steps_for(holder))
    _activate_more(forum, rsib, 4)
    holder = type(holder).objects.get(pk=holder.pk)
    steps = crisis.next_steps_for(holder)
    assert len(steps) == 5 and sum(len(s.directions) for s in steps) == 9
    holder = type(holder).objects.get(pk=holder.pk)
    assert _queries(lambda: crisis.next_steps_for(holder)) == one
    assert one <= 16


def test_ordinary_mode_costs_the_start_page_almost_nothing(holder):
    holder = type(holder).objects.get(pk=holder.pk)
    assert _queries(lambda: crisis.next_steps_for(holder)) <= 3


def test_the_start_page_during_five_incidents_stays_within_its_query_budget(
    incident, holder, forum, rsib, django_assert_max_num_queries
):
    _activate_more(forum, rsib, 4)
    client = client_for(holder)
    client.get(reverse("home"))  # the session's first request refreshes it
    with django_assert_max_num_queries(32):
        response = client.get(reverse("home"))
    assert response.content.decode().count('class="crisis__incident"') == 5


# --- The header: on duty now, the menu button ----------------------------------------------------


def test_the_on_duty_line_links_the_rsib_and_their_phone(member, rsib):
    person = rsib.person
    person.mobile = "070-123 45 67"
    person.save()
    page = member.get(reverse("home")).content.decode()
    on_duty = re.search(r'<div class="on-duty".*?</div>\s*</div>', page, re.S).group(0)
    assert f'<a href="{person.get_absolute_url()}">{person.full_name}</a>' in on_duty
    assert 'href="tel:0701234567"' in on_duty and "070-123 45 67" in on_duty


def test_the_menu_button_controls_the_menu_and_is_hidden_without_the_script(member):
    page = member.get(reverse("home")).content.decode()
    button = re.search(r"<button[^>]*data-menu-button[^>]*>", page).group(0)
    assert 'type="button"' in button and 'aria-expanded="false"' in button
    assert 'aria-controls="site-menu"' in button and " hidden" in button
    assert 'id="site-menu"' in page
    assert page.index("data-menu-button") < page.index('id="site-menu"') < page.index("<main")
    assert '<script src="/static/js/portal.js"></script>' in page


# --- The service worker and the offline picture --------------------------------------------------


def test_the_service_worker_is_served_from_the_root_without_caching(anonymous):
    response = anonymous.get(reverse("service_worker"))
    assert response.status_code == 200
    assert reverse("service_worker") == "/sw.js"
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    source = response.content.decode()
    assert "lagesbild" in source
    assert not re.search(r"https?://", source), "nothing from outside the portal"


def test_the_service_worker_pattern_matches_the_picture_url(incident):
    source = Path(finders.find("sw.js")).read_text()
    pattern = re.search(r"const PICTURE = /(.+)/;", source).group(1).replace("\\/", "/")
    assert re.match(pattern, reverse("incidents:picture", args=[incident.pk]))
    assert not re.match(pattern, reverse("incidents:picture_live", args=[incident.pk]))


def test_only_a_logged_in_page_registers_the_service_worker(anonymous, member):
    assert 'data-service-worker="/sw.js"' in member.get(reverse("home")).content.decode()
    login = anonymous.get(reverse("login")).content.decode()
    assert "data-service-worker" not in login and "data-signed-out" in login


def test_the_picture_page_carries_a_hidden_offline_notice_with_its_time(incident, holder):
    client = client_for(holder)
    page = client.get(reverse("incidents:picture", args=[incident.pk])).content.decode()
    notice = re.search(r'<p class="offline-notice" hidden>(.*?)</p>', page, re.S).group(1)
    assert "Du är offline" in notice
    assert timezone.localtime().strftime("%H:") in notice
    assert "offline-notice" not in client.get(reverse("home")).content.decode()


def test_a_second_incident_without_my_forum_is_not_shown_to_me(incident, holder, rsib):
    other = ForumFactory(name="Annat forum")
    incident_services.incident_activate(activated_by=rsib, title="Annan händelse", forums=[other])
    [steps] = crisis.next_steps_for(holder)
    assert steps.incident == incident
