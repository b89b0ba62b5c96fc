"""People of the incident tests, beside the forum people of tests/conftest.py:

- ``rsib``: Rut, the RSIB on duty now;
- ``rsib_off``: Rolf, an RSIB whose shift is over;
- ``rkk``: Kim, the RKK on duty now.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import EventType, OnCallRole, PreparedDirection, Shift
from incidents.picture import services as picture_services
from incidents.roster import services as roster_services
from tests.factories import ActorFactory, PersonFactory, UserFactory


def _on_call(username: str, role: str, *, now: bool):
    user = UserFactory(username=username, first_name=username.title(), last_name="Jour")
    person = PersonFactory(user=user, first_name=username.title(), last_name="Jour")
    start = timezone.now() - datetime.timedelta(hours=2 if now else 30)
    roster_services.shift_create(
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


def report(incident, actor, user, **extra):
    fields = {"situation": "Elavbrott i södra kommundelen", "impact": "strained", **extra}
    return services.report_submit(incident=incident, actor=actor, submitted_by=user, **fields)


def client_for(user) -> Client:
    from tests.conftest import verified_login

    return verified_login(Client(), user)


# --- The pages × roles matrix (each module's test_views.py lists its pages) -----------------

ROLES = ["anonymous", "member", "outsider", "rsib", "rsib_off", "secretariat"]
READ = (302, 200, 404, 200, 404, 200)
COORDINATE = (302, 403, 404, 200, 404, 200)
COMMUNICATE = (302, 403, 404, 403, 404, 200)
ANY = (302, 200, 200, 200, 200, 200)
COORDINATOR_ONLY = (302, 403, 403, 200, 403, 200)
SECRETARIAT_ONLY = (302, 403, 403, 403, 403, 200)


@pytest.fixture
def objects(incident, seat, holder, rsib, prepared, member_user):
    services.report_submit(
        incident=incident, actor=seat.actor, submitted_by=holder, situation="Läget", impact="normal"
    )
    picture = picture_services.picture_publish(
        incident=incident, audience="full", summary="Sammanfattning", published_by=rsib
    )
    signal = services.signal_create(
        actor=member_user.person.actor, signalled_by=member_user, what="Brand", assessment="Stor"
    )
    return {
        "incident": incident,
        "picture": picture,
        "signal": signal,
        "prepared": prepared,
        "shift": Shift.objects.get(person__user=rsib),
    }


@pytest.fixture
def clients(holder, outsider, rsib, rsib_off, secretariat):
    return {
        "anonymous": Client(),
        "member": client_for(holder),
        "outsider": client_for(outsider),
        "rsib": client_for(rsib),
        "rsib_off": client_for(rsib_off),
        "secretariat": secretariat,
    }


def check_permission_matrix(name, kwargs, expected, objects, clients) -> None:
    url = reverse(name, kwargs={k: objects[v].pk for k, v in kwargs.items()})
    for role, status in zip(ROLES, expected, strict=True):
        assert clients[role].get(url).status_code == status, (role, url)
