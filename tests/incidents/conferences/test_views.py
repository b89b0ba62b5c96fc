import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from incidents.conferences import services
from incidents.models import Conference, ConferenceProtocol
from tests.factories import ActorFactory, SeatFactory
from tests.incidents.conferences.conftest import begun, in_minutes, schedule
from tests.incidents.conftest import (
    COORDINATE,
    READ,
    ROLES,
    check_permission_matrix,
    client_for,
    report,
)

pytestmark = pytest.mark.django_db

# POST-only actions: (anonymous, member, outsider, rsib, rsib_off, secretariat)
POST_COORDINATE = (302, 403, 404, 302, 404, 302)


@pytest.fixture
def conference_objects(objects, conference, rsib, seat, forum):
    action = services.conference_action_add(
        conference=conference, by=rsib, text="Ordna reservkraft", owner=seat.actor
    )
    closed = schedule(objects["incident"], rsib, forum)[0]
    services.conference_decision_add(conference=closed, by=rsib, text="Samordna bränsle.")
    services.conference_close(conference=begun(closed), by=rsib)
    return {**objects, "conference": conference, "closed": closed, "action": action}


CONFERENCE_PAGES = [
    ("incidents:conference_create", {"pk": "incident"}, COORDINATE),
    ("incidents:conference_detail", {"pk": "conference"}, READ),
    ("incidents:conference_detail", {"pk": "closed"}, READ),
    ("incidents:conference_update", {"pk": "conference"}, COORDINATE),
    ("incidents:conference_cancel", {"pk": "conference"}, COORDINATE),
    ("incidents:conference_close", {"pk": "conference"}, COORDINATE),
    ("incidents:conference_protocol_pdf", {"pk": "closed"}, READ),
]
CONFERENCE_RECORDING = [
    "conference_attendance",
    "conference_round",
    "conference_decision",
    "conference_action",
]
CONFERENCE_POST_ONLY = [*CONFERENCE_RECORDING, "conference_action_done"]


@pytest.mark.parametrize(("name", "kwargs", "expected"), CONFERENCE_PAGES)
def test_page_permissions(name, kwargs, expected, conference_objects, clients):
    check_permission_matrix(name, kwargs, expected, conference_objects, clients)


@pytest.mark.parametrize("name", CONFERENCE_RECORDING)
def test_only_the_coordinator_records_in_a_conference(name, conference_objects, clients):
    url = reverse(f"incidents:{name}", args=[conference_objects["conference"].pk])
    for role, status in zip(ROLES, POST_COORDINATE, strict=True):
        assert clients[role].post(url, {}).status_code == status, (role, url)
    assert not conference_objects["conference"].decisions.exists()


def test_an_action_is_marked_done_by_its_owners_people(conference_objects, clients):
    action = conference_objects["action"]
    url = reverse("incidents:conference_action_done", args=[action.pk])
    assert clients["outsider"].post(url, {"done": "1"}).status_code == 404
    assert clients["member"].post(url, {"done": "1"}).status_code == 302  # Hanna is Huddinge
    action.refresh_from_db()
    assert action.is_done


def test_the_coordinator_holds_and_closes_a_conference(conference, seat, holder, rsib, clients):
    report(conference.incident, seat.actor, holder, situation="Elavbrott", needs="Aggregat")
    client = clients["rsib"]
    page = client.get(conference.get_absolute_url())
    assert "Elavbrott" in page.content.decode()  # the status round starts from the report
    base = {"idempotency_key": "8a0e1f2c-7d3b-4c5e-9f60-1a2b3c4d5e6f"}
    client.post(
        reverse("incidents:conference_attendance", args=[conference.pk]),
        {f"actor_{seat.actor.pk}": "present"},
    )
    client.post(
        reverse("incidents:conference_round", args=[conference.pk]),
        {"actor": seat.actor.pk, "situation": "Elavbrott, läget stabilt", "impact": "strained"},
    )
    decision_url = reverse("incidents:conference_decision", args=[conference.pk])
    client.post(decision_url, {**base, "text": "Prioritera sjukhusen."})
    client.post(decision_url, {**base, "text": "Prioritera sjukhusen."})  # a double submit
    for text in ("Ordna aggregat", "Informera allmänheten"):
        client.post(
            reverse("incidents:conference_action", args=[conference.pk]),
            {"text": text, "owner": seat.actor.pk, "due_at": "2030-01-01T12:00"},
        )
    assert conference.decisions.count() == 1
    assert conference.actions.count() == 2
    begun(conference)
    response = client.post(reverse("incidents:conference_close", args=[conference.pk]))
    assert response.status_code == 302
    protocol = ConferenceProtocol.objects.get(conference=conference)
    assert protocol.content["attendance"][0]["present"] is True
    assert protocol.content["round"][0]["situation"] == "Elavbrott, läget stabilt"

    pdf = client.get(reverse("incidents:conference_protocol_pdf", args=[conference.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in ("Prioritera sjukhusen.", "Ordna aggregat", "Huddinge kommun", "närvarande"):
        assert expected in text, expected

    # The closed conference offers no forms and refuses a late decision.
    page = client.get(conference.get_absolute_url()).content.decode()
    assert reverse("incidents:conference_decision", args=[conference.pk]) not in page
    client.post(decision_url, {"text": "För sent."})
    assert conference.decisions.count() == 1


def test_a_member_sees_the_conference_without_its_forms(conference, clients):
    page = clients["member"].get(conference.get_absolute_url()).content.decode()
    assert "08-123 456 78" in page
    assert reverse("incidents:conference_attendance", args=[conference.pk]) not in page


def test_scheduling_from_the_form_creates_the_rhythm(incident, forum, clients):
    response = clients["rsib"].post(
        reverse("incidents:conference_create", args=[incident.pk]),
        {
            "starts_at": in_minutes(90).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 30,
            "dial_in": "08-123",
            "room_url": "",
            "forums": [forum.pk],
            "repeat_count": 3,
            "repeat_every_minutes": 180,
        },
    )
    assert response.status_code == 302
    assert Conference.objects.filter(incident=incident).count() == 3


def test_the_incident_page_shows_conferences_and_open_actions(conference_objects, clients):
    page = clients["member"].get(conference_objects["incident"].get_absolute_url())
    html = page.content.decode()
    assert conference_objects["conference"].get_absolute_url() in html
    assert "Ordna reservkraft" in html
    assert reverse("incidents:conference_protocol_pdf", args=[conference_objects["closed"].pk])


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_conference_page_queries_do_not_grow_with_its_rows(
    conference, rsib, forum, seat, django_assert_max_num_queries
):
    client = client_for(rsib)
    url = conference.get_absolute_url()
    few = _count(client, url)
    for n in range(12):
        actor = ActorFactory(name=f"Aktör {n:02}")
        SeatFactory(forum=forum, actor=actor)
        services.conference_decision_add(conference=conference, by=rsib, text=f"Beslut {n}")
        services.conference_action_add(
            conference=conference, by=rsib, text=f"Åtgärd {n}", owner=actor
        )
        report(conference.incident, actor, rsib, situation=f"Läge {n}")
    with django_assert_max_num_queries(few):
        page = client.get(url)
    assert "Läge 11" in page.content.decode()


def test_the_incident_page_queries_do_not_grow_with_conferences_and_checklist(
    conference, incident, rsib, forum, seat, django_assert_max_num_queries
):
    from incidents.checklist import services as checklist_services

    client = client_for(rsib)
    few = _count(client, incident.get_absolute_url())
    for n in range(12):
        services.conference_action_add(
            conference=conference, by=rsib, text=f"Åtgärd {n}", owner=seat.actor
        )
        checklist_services.checklist_item_add(
            incident=incident, by=rsib, text=f"Punkt {n}", owner=seat.actor
        )
    for _n in range(6):
        schedule(incident, rsib, forum)
    with django_assert_max_num_queries(few):
        page = client.get(incident.get_absolute_url())
    html = page.content.decode()
    assert "Åtgärd 11" in html and "Punkt 11" in html


def test_no_id_is_used_twice_on_the_conference_and_incident_pages(conference_objects, clients):
    """The decision and the action forms both have a field "text": their ids differ, so each
    label names its own field."""
    import collections
    import re

    for url in (
        conference_objects["conference"].get_absolute_url(),
        conference_objects["incident"].get_absolute_url(),
    ):
        html = clients["rsib"].get(url).content.decode()
        ids = collections.Counter(re.findall(r'\bid="([^"]+)"', html))
        assert [i for i, n in ids.items() if n > 1] == [], url
    page = clients["rsib"].get(conference_objects["conference"].get_absolute_url())
    html = page.content.decode()
    assert 'for="decision-text"' in html and 'for="action-text"' in html
