"""People of the incident tests, beside the forum people of tests/conftest.py:

- ``rsib``: Rut, the RSIB on duty now;
- ``rsib_off``: Rolf, an RSIB whose shift is over;
- ``rkk``: Kim, the RKK on duty now.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from incidents import services
from incidents.models import EventType, OnCallRole, PreparedDirection
from tests.factories import ActorFactory, PersonFactory, UserFactory


def _on_call(username: str, role: str, *, now: bool):
    user = UserFactory(username=username, first_name=username.title(), last_name="Jour")
    person = PersonFactory(user=user, first_name=username.title(), last_name="Jour")
    start = timezone.now() - datetime.timedelta(hours=2 if now else 30)
    services.shift_create(
        role=role,
        person=person,
        lending_actor=person.actor,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=24),
    )
    return user


@pytest.fixture
def rsib(db):
    return _on_call("rut", OnCallRole.RSIB, now=True)


@pytest.fixture
def rsib_off(db):
    return _on_call("rolf", OnCallRole.RSIB, now=False)


@pytest.fixture
def rkk(db):
    return _on_call("kim", OnCallRole.RKK, now=True)


@pytest.fixture
def prepared(db):
    storm = EventType.objects.create(name="Storm")
    return PreparedDirection.objects.create(
        event_type=storm,
        title="Regional inriktning vid storm",
        action_plan=(
            "1. Samla samordnande forum.\n2. Säkra elförsörjning till samhällsviktig verksamhet."
        ),
        checklist="Kontakta elbolag\nLägesbild var tredje timme",
        message_templates="Stormen påverkar regionen. Följ myndigheternas råd.",
        owner=ActorFactory(name="Länsstyrelsen i Stockholms län"),
        review_due=datetime.date(2027, 6, 30),
    )


@pytest.fixture
def incident(forum, seat, holder, deputy, rsib, prepared):
    return services.incident_activate(
        activated_by=rsib,
        title="Storm över länet",
        forums=[forum],
        prepared_direction=prepared,
        reporting_interval_minutes=60,
    )


def client_for(user) -> Client:
    from tests.conftest import verified_login

    return verified_login(Client(), user)
