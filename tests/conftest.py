"""Shared fixtures: the named people of the permission tests.

- ``anonymous``: a visitor who has not logged in;
- ``member``: Maja, who holds a function at a municipality;
- ``secretariat``: Sara of the samordningskansli.
"""

import pytest
from django.test import Client

from tests.factories import AssignmentFactory, PersonFactory, UserFactory


@pytest.fixture
def member_user(db):
    user = UserFactory(username="maja", first_name="Maja", last_name="Medlem")
    person = PersonFactory(user=user, first_name="Maja", last_name="Medlem")
    AssignmentFactory(person=person, actor_function__actor=person.actor)
    return user


@pytest.fixture
def secretariat_user(db):
    user = UserFactory(
        username="sara", first_name="Sara", last_name="Sekretariat", secretariat=True
    )
    PersonFactory(user=user, first_name="Sara", last_name="Sekretariat")
    return user


@pytest.fixture
def anonymous(db) -> Client:
    return Client()


@pytest.fixture
def member(member_user) -> Client:
    client = Client()
    client.force_login(member_user)
    return client


@pytest.fixture
def secretariat(secretariat_user) -> Client:
    client = Client()
    client.force_login(secretariat_user)
    return client
