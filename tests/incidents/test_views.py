import pytest
from django.urls import reverse

from incidents import services
from incidents.models import Incident, Signal
from tests.incidents.cap.test_views import CAP_PAGES
from tests.incidents.checklist.test_views import CHECKLIST_PAGES, CHECKLIST_POST_ONLY
from tests.incidents.conferences.test_views import CONFERENCE_PAGES, CONFERENCE_POST_ONLY
from tests.incidents.conftest import (
    ANY,
    COMMUNICATE,
    COORDINATE,
    COORDINATOR_ONLY,
    READ,
    SECRETARIAT_ONLY,
    check_permission_matrix,
    client_for,
)
from tests.incidents.picture.test_views import PAGES as PICTURE_PAGES
from tests.incidents.roster.test_views import PAGES as ROSTER_PAGES
from tests.incidents.roster.test_views import POST_ONLY as ROSTER_POST_ONLY
from tests.incidents.support.test_views import SUPPORT_PAGES, SUPPORT_POST_ONLY
from tests.incidents.test_message_corrections import MESSAGE_PAGES
from tests.incidents.test_search import SEARCH_PAGES
from tests.incidents.test_statistics import STATISTICS_PAGES

pytestmark = pytest.mark.django_db

PAGES = [
    ("incidents:incident_list", {}, ANY),
    ("incidents:signal_create", {}, ANY),
    ("incidents:prepared_direction_list", {}, ANY),
    ("incidents:incident_detail", {"pk": "incident"}, READ),
    ("incidents:incident_log", {"pk": "incident"}, READ),
    ("incidents:incident_log_csv", {"pk": "incident"}, READ),
    ("incidents:incident_log_pdf", {"pk": "incident"}, READ),
    ("incidents:report_create", {"pk": "incident"}, READ),
    ("incidents:direction_create", {"pk": "incident"}, COORDINATE),
    ("incidents:incident_forums", {"pk": "incident"}, COORDINATE),
    ("incidents:incident_deactivate", {"pk": "incident"}, COORDINATE),
    ("incidents:incident_follow_up", {"pk": "incident"}, COORDINATE),
    ("incidents:message_create", {"pk": "incident"}, COMMUNICATE),
    ("incidents:signal_detail", {"pk": "signal"}, COORDINATOR_ONLY),
    ("incidents:incident_activate", {}, COORDINATOR_ONLY),
    ("incidents:register", {}, COORDINATOR_ONLY),
    ("incidents:register_csv", {}, COORDINATOR_ONLY),
    ("incidents:prepared_direction_create", {}, SECRETARIAT_ONLY),
    ("incidents:prepared_direction_update", {"pk": "prepared"}, SECRETARIAT_ONLY),
    ("incidents:event_type_create", {}, SECRETARIAT_ONLY),
    ("incidents:board", {"pk": "incident"}, COORDINATE),
]
POST_ONLY = [
    "status_set",
    "direction_acknowledge",
    "message_action",
    "acknowledge_in_portal",
]
# Reached by a signed link without login; tested in test_alerts.py.
TOKEN_PAGES = ["acknowledge", "signal_acknowledge"]


@pytest.mark.parametrize(("name", "kwargs", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_permission_matrix(name, kwargs, expected, objects, clients):
    check_permission_matrix(name, kwargs, expected, objects, clients)


def test_every_incidents_url_is_covered():
    from incidents.urls import urlpatterns

    pages = PAGES + PICTURE_PAGES + ROSTER_PAGES + SEARCH_PAGES + STATISTICS_PAGES
    pages += MESSAGE_PAGES
    post_only = POST_ONLY + ROSTER_POST_ONLY
    pages += SUPPORT_PAGES
    post_only += SUPPORT_POST_ONLY
    pages += CONFERENCE_PAGES + CHECKLIST_PAGES
    pages += CAP_PAGES
    post_only += CONFERENCE_POST_ONLY + CHECKLIST_POST_ONLY
    covered = {p[0].split(":")[1] for p in pages} | set(post_only) | set(TOKEN_PAGES)
    assert {p.name for p in urlpatterns} == covered


def test_post_only_actions_refuse_outsiders(objects, clients):
    incident = objects["incident"]
    direction = services.direction_issue(
        incident=incident, text="Inrikta", by=objects["shift"].person.user
    )
    urls = [
        reverse("incidents:status_set", args=[incident.pk]),
        reverse("incidents:direction_acknowledge", args=[direction.pk]),
        reverse("incidents:message_action", args=[1, "approve"]),
    ]
    for url in urls:
        assert clients["anonymous"].post(url).status_code == 302
        assert clients["outsider"].post(url).status_code == 404
    assert clients["member"].get(urls[0]).status_code == 405


# --- The run-through of the issue ----------------------------------------------------------


def test_signal_activate_report_publish_direct_message_deactivate_follow_up(
    forum, seat, holder, member_user, rsib, rkk, prepared, secretariat, outsider
):
    member = client_for(member_user)
    member.post(
        reverse("incidents:signal_create"),
        {"what": "Storm med elavbrott", "assessment": "Behov av samverkan"},
    )
    signal_pk = Signal.objects.get().pk

    coordinator = client_for(rsib)
    response = coordinator.post(
        reverse("incidents:incident_activate") + f"?signal={signal_pk}",
        {
            "title": "Storm",
            "prepared_direction": prepared.pk,
            "forums": [forum.pk],
            "reporting_interval_minutes": 60,
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert incident.action_plan == prepared.action_plan

    seat_holder = client_for(holder)
    seat_holder.post(
        reverse("incidents:report_create", args=[incident.pk]),
        {"impact": "severe", "situation": "Elavbrott", "sharing_level": "forum"},
    )
    coordinator.post(
        reverse("incidents:picture_publish", args=[incident.pk]),
        {"audience": "full", "summary": "Version ett", "sharing_level": "forum"},
    )
    coordinator.post(
        reverse("incidents:picture_publish", args=[incident.pk]),
        {"audience": "full", "summary": "Version två", "sharing_level": "forum"},
    )
    page = seat_holder.get(reverse("incidents:picture", args=[incident.pk])).content.decode()
    assert "Version två" in page and 'class="fill-severe' not in page  # not a municipality

    coordinator.post(
        reverse("incidents:direction_create", args=[incident.pk]), {"text": "Prioritera vård"}
    )
    direction = incident.directions.get()
    seat_holder.post(
        reverse("incidents:direction_acknowledge", args=[direction.pk]), {"actor": seat.actor.pk}
    )
    assert direction.acknowledgements.get().actor == seat.actor

    communicator = client_for(rkk)
    communicator.post(
        reverse("incidents:message_create", args=[incident.pk]),
        {
            "target_group": "Allmänheten",
            "channel": "Webb",
            "text": "Håll dig informerad",
            "senders": [seat.actor.pk],
        },
    )
    message = incident.messages.get()
    seat_holder.post(
        reverse("incidents:message_action", args=[message.pk, "cosign"]), {"actor": seat.actor.pk}
    )
    communicator.post(reverse("incidents:message_action", args=[message.pk, "approve"]))
    communicator.post(reverse("incidents:message_action", args=[message.pk, "publish"]))
    message.refresh_from_db()
    assert message.status == "published"

    coordinator.post(reverse("incidents:incident_deactivate", args=[incident.pk]))
    coordinator.post(
        reverse("incidents:incident_follow_up", args=[incident.pk]),
        {"evaluation": "Fungerade", "lessons": "Snabbare lägesbild"},
    )
    incident.refresh_from_db()
    assert incident.status == Incident.Status.FOLLOWED_UP
    register = client_for(rsib).get(reverse("incidents:register")).content.decode()
    assert "Storm" in register

    nosy = client_for(outsider)
    for url in (incident.get_absolute_url(), reverse("incidents:picture", args=[incident.pk])):
        assert nosy.get(url).status_code == 404
    assert "Storm" not in nosy.get(reverse("incidents:incident_list")).content.decode()


def test_report_form_for_an_actor_not_mine_is_refused(objects, outsider):
    other = client_for(outsider)
    url = reverse("incidents:report_create", args=[objects["incident"].pk])
    assert other.get(url).status_code == 404
