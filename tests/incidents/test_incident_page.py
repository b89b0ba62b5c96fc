"""The incident page reads each thing once: the expected actors, the viewer's actors and their
right to coordinate are read by the view and handed to the panels, and the number of queries
does not grow with the number of seats, reports and directions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import ActorFunction
from forums.services import forum_access_sync
from incidents import services
from tests.factories import AssignmentFactory, PersonFactory, SeatFactory, UserFactory
from tests.incidents.conftest import client_for, report

pytestmark = pytest.mark.django_db


def _queries(client, incident) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("incidents:incident_detail", args=[incident.pk]))
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def _more_actors(forum, incident, rsib, count: int) -> None:
    """``count`` more seats with a holder, each of whose actors has reported."""
    for number in range(count):
        seat = SeatFactory(forum=forum, actor__name=f"Aktör {number}")
        person = PersonFactory(actor=seat.actor, user=UserFactory())
        AssignmentFactory(
            actor_function=ActorFunction.objects.get(actor=seat.actor, function=seat.function),
            person=person,
        )
        report(incident, seat.actor, rsib)
    services.direction_issue(incident=incident, text=f"Inriktning {count}", by=rsib)


def test_the_incident_page_reads_the_seats_once_and_does_not_grow(incident, holder, forum, rsib):
    services.direction_issue(incident=incident, text="Första inriktningen", by=rsib)
    client = client_for(holder)
    cold = _queries(client, incident)
    # The seats of the activated forums are read once for the whole page (expected actors),
    # and then kept (incidents.involved) with the session and the user.
    assert sum('FROM "forums_seat"' in sql for sql in cold) == 1
    few = _queries(client, incident)
    assert sum('FROM "forums_seat"' in sql for sql in few) == 0
    _more_actors(forum, incident, rsib, 10)
    forum_access_sync()
    written = _queries(client, incident)  # the seats were written: read again, once
    assert sum('FROM "forums_seat"' in sql for sql in written) == 1
    many = _queries(client, incident)
    assert len(many) == len(few)
