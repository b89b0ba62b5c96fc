"""An incident's involved actors come from the cache while nothing they rest on was written
(incidents.involved.cached_expected_actors): a change of the activated forums, the affected
municipalities, a seat, an actor or a cluster's representation shows on the next read, and the
database answers while Redis is down."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums.models import ClusterRepresentation
from incidents import involved, selectors, services
from tests.core.test_cache import _dead_location
from tests.factories import (
    ActorFactory,
    ClusterFactory,
    ForumFactory,
    MunicipalityFactory,
    SeatFactory,
)
from tests.incidents.conftest import client_for

pytestmark = pytest.mark.django_db


def names(incident) -> list[str]:
    return [actor.name for actor in involved.cached_expected_actors(incident)]


def test_a_second_read_asks_no_database_and_gives_the_same_actors(incident):
    first = names(incident)
    assert first == [actor.name for actor in selectors.expected_actors(incident)]
    with CaptureQueriesContext(connection) as warm:
        assert names(incident) == first
    assert len(warm) == 0


def test_a_new_forum_or_municipality_shows_at_once_from_either_side(incident):
    names(incident)
    forum = ForumFactory()
    SeatFactory(forum=forum, actor=ActorFactory(name="Trafikverket"))
    incident.activated_forums.add(forum)
    assert "Trafikverket" in names(incident)
    incident.affected_municipalities.add(MunicipalityFactory(name="Botkyrka kommun"))
    assert "Botkyrka kommun" in names(incident)
    forum.incidents.remove(incident)  # the reverse side of the relation
    assert "Trafikverket" not in names(incident)
    forum.incidents.add(incident)
    assert "Trafikverket" in names(incident)
    forum.incidents.clear()
    assert "Trafikverket" not in names(incident)


def test_a_seat_an_actor_or_a_representation_shows_at_once(incident, forum, seat):
    before = names(incident)
    seat.actor.name = "Omdöpt aktör"
    seat.actor.save()
    assert "Omdöpt aktör" in names(incident)
    SeatFactory(forum=forum, actor=ActorFactory(name="Kustbevakningen"))
    assert "Kustbevakningen" in names(incident)
    cluster = ClusterFactory()
    SeatFactory(forum=forum, actor=None, cluster=cluster)
    assert len(names(incident)) == len(before) + 1  # a cluster nobody represents yet
    ClusterRepresentation.objects.create(
        cluster=cluster,
        municipality=MunicipalityFactory(name="Nykvarns kommun"),
        starts_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert "Nykvarns kommun" in names(incident)


def test_two_incidents_keep_their_own_actors(incident, rsib):
    forum = ForumFactory()
    SeatFactory(forum=forum, actor=ActorFactory(name="Stockholms hamnar"))
    other = services.incident_activate(activated_by=rsib, title="Annan händelse", forums=[forum])
    assert names(other) == ["Stockholms hamnar"]
    assert "Stockholms hamnar" not in names(incident)


def test_the_incident_page_answers_from_the_database_while_redis_is_down(
    incident, holder, settings
):
    client = client_for(holder)
    assert client.get(reverse("incidents:incident_detail", args=[incident.pk])).status_code == 200
    settings.CACHES = {
        "default": {**django_settings.CACHES["default"], "LOCATION": _dead_location()}
    }
    incident.affected_municipalities.add(MunicipalityFactory(name="Salems kommun"))
    page = client.get(reverse("incidents:incident_detail", args=[incident.pk]))
    assert "Salems kommun" in page.content.decode()
