"""People and requests of the support tests, beside tests/conftest.py and
tests/incidents/conftest.py:

- ``holder`` (Hanna) speaks for Huddinge kommun (``huddinge``), seated in the activated forum;
- ``police_user`` (Pia) speaks for Polismyndigheten (``police``), seated in the same forum;
- ``fire_user`` (Frans) speaks for Brandförsvaret (``fire``), seated in the same forum;
- ``crisis``: the incident, activated with all three seats.
"""

import datetime

import pytest
from django.utils import timezone

from actors.models import ActorFunction
from forums.services import forum_access_sync
from incidents.support import services
from tests.factories import AssignmentFactory, PersonFactory, SeatFactory, UserFactory


def _seat_person(forum, actor_name: str, username: str, first_name: str):
    seat = SeatFactory(
        forum=forum, actor__name=actor_name, function__name=f"Vakthavande {actor_name}"
    )
    user = UserFactory(username=username, first_name=first_name, last_name="Test")
    person = PersonFactory(user=user, first_name=first_name, last_name="Test", actor=seat.actor)
    AssignmentFactory(
        actor_function=ActorFunction.objects.get(actor=seat.actor, function=seat.function),
        person=person,
    )
    forum_access_sync()
    return user


@pytest.fixture
def police_user(forum):
    return _seat_person(forum, "Polismyndigheten", "pia", "Pia")


@pytest.fixture
def fire_user(forum):
    return _seat_person(forum, "Brandförsvaret", "frans", "Frans")


@pytest.fixture
def police(police_user):
    return police_user.person.actor


@pytest.fixture
def fire(fire_user):
    return fire_user.person.actor


@pytest.fixture
def huddinge(seat):
    return seat.actor


@pytest.fixture
def crisis(police_user, fire_user, incident):
    """Activated after the police and the fire service got their seats: all three take part."""
    return incident


def soon(hours: float = 2) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


def raise_request(incident, by, *, actor=None, addressed=(), **extra):
    fields = {"kind": "resource", "title": "Två reservkraftverk", "needed_by": soon(), **extra}
    return services.support_request_raise(
        incident=incident, by=by, actor=actor, addressed=addressed, **fields
    )
