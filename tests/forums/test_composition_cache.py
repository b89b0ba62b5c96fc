"""The forum page's seats and holders come from the cache while nothing they rest on was written
(forums.composition): every change of a seat, an assignment, a person or a cluster's
representative shows on the very next visit, an assignment that starts tomorrow shows tomorrow,
and the page answers from the database while Redis is down."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actors import services as actor_services
from actors.models import Assignment
from forums import services as forum_services
from forums.models import ClusterRepresentation
from tests.core.test_cache import _dead_location
from tests.factories import (
    ActorFunctionFactory,
    ClusterFactory,
    MunicipalityFactory,
    PersonFactory,
)
from tests.incidents.conftest import client_for

pytestmark = pytest.mark.django_db


def seats(client, forum) -> str:
    """The forum page's table of seats and holders."""
    page = client.get(reverse("forums:forum_detail", args=[forum.pk])).content.decode()
    found = re.search(
        r'<section class="section" aria-labelledby="seats-heading">.*?</section>', page, re.S
    )
    return found.group(0)


def test_a_second_visit_resolves_no_seat(forum, seat, holder):
    client = client_for(holder)
    with CaptureQueriesContext(connection) as cold:
        first = seats(client, forum)
    with CaptureQueriesContext(connection) as warm:
        assert seats(client, forum) == first
    assert "Hanna" in first
    assert len(warm) <= len(cold) - 2
    assert '"actors_assignment"' not in " ".join(q["sql"] for q in warm.captured_queries)


def test_a_new_deputy_and_an_ended_holder_show_at_once(
    forum, seat, holder, actor_function, secretariat
):
    client = client_for(holder)
    seats(client, forum)
    seats(secretariat, forum)
    deputy = PersonFactory(first_name="Dora", last_name="Deputy", actor=seat.actor)
    actor_services.assignment_create(
        actor_function=actor_function,
        person=deputy,
        role=Assignment.Role.DEPUTY,
        starts_on=timezone.localdate(),
    )
    assert "Dora" in seats(client, forum)
    held = Assignment.objects.get(person__user=holder)
    actor_services.assignment_end(
        assignment=held, ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    shown = seats(secretariat, forum)  # the holder's own access went with the seat
    assert "Hanna" not in shown and "Dora" in shown


def test_a_renamed_person_and_a_new_seat_show_at_once(forum, seat, holder):
    client = client_for(holder)
    assert "Hanna" in seats(client, forum)
    actor_services.person_update(person=holder.person, first_name="Johanna")
    assert "Johanna" in seats(client, forum)
    communicator = ActorFunctionFactory(actor=seat.actor, function__name="Kommunikatör")
    forum_services.seat_create(forum=forum, actor=seat.actor, function=communicator.function)
    assert "Kommunikatör" in seats(client, forum)


def test_a_clusters_new_representative_shows_at_once(forum, holder, seat):
    cluster = ClusterFactory(name="Södertörn")
    first = MunicipalityFactory(name="Botkyrka kommun", cluster=cluster, municipality_code="0127")
    second = MunicipalityFactory(
        name="Nynäshamns kommun", cluster=cluster, municipality_code="0192"
    )
    forum_services.seat_create(forum=forum, cluster=cluster, function=seat.function)
    representation = ClusterRepresentation.objects.create(
        cluster=cluster, municipality=first, starts_on=datetime.date(2024, 1, 1)
    )
    client = client_for(holder)
    assert "Representeras av Botkyrka kommun" in seats(client, forum)
    representation.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    representation.save()
    ClusterRepresentation.objects.create(
        cluster=cluster, municipality=second, starts_on=timezone.localdate()
    )
    assert "Representeras av Nynäshamns kommun" in seats(client, forum)


def test_an_assignment_that_starts_tomorrow_shows_tomorrow(forum, seat, holder, actor_function):
    client = client_for(holder)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    actor_services.assignment_create(
        actor_function=actor_function,
        person=PersonFactory(first_name="Tove", actor=seat.actor),
        role=Assignment.Role.DEPUTY,
        starts_on=tomorrow,
    )
    assert "Tove" not in seats(client, forum)
    seats(client, forum)  # kept for today
    noon = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(12)))
    with time_machine.travel(noon, tick=False):
        assert "Tove" in seats(client_for(holder), forum)


def test_the_forum_page_answers_from_the_database_while_redis_is_down(
    forum, seat, holder, actor_function, settings
):
    client = client_for(holder)
    seats(client, forum)
    settings.CACHES = {
        "default": {**django_settings.CACHES["default"], "LOCATION": _dead_location()}
    }
    actor_services.assignment_create(
        actor_function=actor_function,
        person=PersonFactory(first_name="Ulla", actor=seat.actor),
        role=Assignment.Role.DEPUTY,
        starts_on=timezone.localdate(),
    )
    assert "Ulla" in seats(client, forum)
