"""People and objects of the API tests, beside the forum people of tests/conftest.py and the
incident people of tests/incidents/conftest.py:

- ``contact``: Karin, the designated contact ("Kontaktperson för samverkan") of Huddinge, the
  actor that fills the forum's seat;
- ``bearer(token)``: a client that sends a token as ``Authorization: Bearer``.
"""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from actors.models import ActorFunction
from api import services
from api.models import Scope
from planning.models import PlanningSettings
from tests.factories import AssignmentFactory, FunctionFactory, PersonFactory, UserFactory
from tests.incidents.conftest import incident, prepared, rsib, rsib_off  # noqa: F401

ALL_SCOPES = list(Scope.values)


@pytest.fixture(autouse=True)
def _fresh_rate_windows(db):
    """Each test starts with empty rate-limit windows (the cache is the real Redis)."""
    cache.clear()


@pytest.fixture
def contact(seat):
    function = FunctionFactory(name="Kontaktperson för samverkan")
    settings, _created = PlanningSettings.objects.get_or_create(pk=1)
    settings.contact_function = function
    settings.save()
    actor_function = ActorFunction.objects.create(actor=seat.actor, function=function)
    user = UserFactory(username="karin", first_name="Karin", last_name="Test")
    person = PersonFactory(user=user, first_name="Karin", last_name="Test", actor=seat.actor)
    AssignmentFactory(actor_function=actor_function, person=person)
    return user


def make_token(actor, by, *, scopes=ALL_SCOPES, days=30, name="Kommunens ärendesystem"):
    return services.token_create(
        actor=actor,
        name=name,
        scopes=scopes,
        expires_at=timezone.now() + datetime.timedelta(days=days),
        by=by,
    )


def bearer(secret: str) -> Client:
    """A system's client: a bearer token, no session and no CSRF token (checks enforced)."""
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def huddinge_token(seat, secretariat_user):
    """A token of Huddinge's system, with every scope, created by the secretariat."""
    return make_token(seat.actor, secretariat_user)


@pytest.fixture
def huddinge(huddinge_token) -> Client:
    return bearer(huddinge_token.secret)
