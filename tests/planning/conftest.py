"""People and data of the planning tests, beside those of tests/conftest.py:

- ``contact``: Kerstin, the designated contact (holds the contact function) of Huddinge kommun;
- ``other_contact``: Karl, the designated contact of Polismyndigheten;
- ``member``: Maja (tests/conftest.py), who holds an ordinary function somewhere else.
"""

import datetime

import pytest
from django.test import Client

from actors.models import ActorFunction
from forums.models import CollaborationLevel
from planning.models import (
    Capability,
    GoalArea,
    GoalPeriod,
    GoalPeriodVersion,
    PlanningSettings,
    SubCapability,
)
from tests.conftest import verified_login
from tests.factories import (
    ActorFactory,
    AssignmentFactory,
    ForumFactory,
    FunctionFactory,
    MunicipalityFactory,
    PersonFactory,
    UserFactory,
)
from tests.incidents.conftest import incident, prepared, rsib  # noqa: F401  (shared fixtures)


@pytest.fixture
def chefsgrupp(db):
    level, _ = CollaborationLevel.objects.get_or_create(
        name="Regionalt inriktande", defaults={"position": 1}
    )
    return ForumFactory(name="Regional chefsgrupp", activated_name="Inriktande forum", level=level)


@pytest.fixture
def radet(db):
    level, _ = CollaborationLevel.objects.get_or_create(
        name="Regionala rådet", defaults={"position": 0}
    )
    return ForumFactory(name="Regionala rådet", activated_name="", level=level)


@pytest.fixture
def contact_function(db):
    return FunctionFactory(name="Kontaktperson för samverkan")


@pytest.fixture
def planning_settings(chefsgrupp, radet, contact_function):
    return PlanningSettings.objects.create(
        pk=1, adopting_forum=chefsgrupp, presenting_forum=radet, contact_function=contact_function
    )


@pytest.fixture
def huddinge(db):
    return MunicipalityFactory(name="Huddinge kommun", short_name="Huddinge")


@pytest.fixture
def polisen(db):
    return ActorFactory(name="Polismyndigheten", kind="police")


def _contact(username: str, first_name: str, actor, function):
    user = UserFactory(username=username, first_name=first_name, last_name="Kontakt")
    person = PersonFactory(user=user, first_name=first_name, last_name="Kontakt", actor=actor)
    actor_function, _ = ActorFunction.objects.get_or_create(actor=actor, function=function)
    AssignmentFactory(actor_function=actor_function, person=person)
    return user


@pytest.fixture
def contact_user(planning_settings, huddinge, contact_function):
    return _contact("kerstin", "Kerstin", huddinge, contact_function)


@pytest.fixture
def other_contact_user(planning_settings, polisen, contact_function):
    return _contact("karl", "Karl", polisen, contact_function)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def contact(contact_user):
    return _client(contact_user)


@pytest.fixture
def other_contact(other_contact_user):
    return _client(other_contact_user)


@pytest.fixture
def roles(member, contact, other_contact, secretariat):
    """anonymous, ordinary member, the actor's contact, another actor's contact, secretariat."""
    return [Client(), member, contact, other_contact, secretariat]


@pytest.fixture
def goals(db):
    period = GoalPeriod.objects.create(
        name="Gemensam målbild 2023–2026", start_year=2023, end_year=2026
    )
    version = GoalPeriodVersion.objects.create(
        period=period,
        number=1,
        status=GoalPeriodVersion.Status.ADOPTED,
        overall_goal="Trygg region.",
    )
    GoalArea.objects.create(
        version=version,
        code="2.3",
        position=1,
        name="Säker informationsdelning",
        goal_statement="Gemensam säkerhetskultur.",
    )
    GoalArea.objects.create(
        version=version,
        code="2.7",
        position=2,
        name="Samordnad kommunikation",
        goal_statement="Samordnad kommunikation.",
    )
    return version


@pytest.fixture
def capabilities(db):
    activate = Capability.objects.create(
        mode="activated", position=1, name="Aktivera aktörsgemensamt läge"
    )
    exercise = Capability.objects.create(
        mode="ordinary", position=6, name="Systematisk övning och utbildning"
    )
    subs = [
        SubCapability.objects.create(
            capability=activate, position=1, name="Signalera samverkansbehov"
        ),
        SubCapability.objects.create(
            capability=activate, position=2, name="Rutiner för aktivering"
        ),
        SubCapability.objects.create(
            capability=exercise, position=1, name="Aktörsgemensamma övningar"
        ),
    ]
    return subs


def verified(user) -> Client:
    return verified_login(Client(), user)


DAY = datetime.date(2025, 3, 1)
