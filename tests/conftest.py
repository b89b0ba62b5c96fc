"""Shared fixtures: the named people of the permission tests.

- ``anonymous``: a visitor who has not logged in;
- ``member``: Maja, who holds a function at a municipality;
- ``secretariat``: Sara of the samordningskansli.
"""

import contextlib

import pytest
from django.test import Client

from actors.models import ActorFunction, Assignment
from forums.services import forum_access_sync
from tests.factories import (
    AssignmentFactory,
    ForumFactory,
    PersonFactory,
    SeatFactory,
    UserFactory,
)

# The real OpenID Connect provider the login tests start (``oidc_provider``).
pytest_plugins = ["tests.oidc_provider.server"]

# --- Two database roles: the owner migrates, the tests run as the application role -------------


def _owner_connect(settings_dict: dict, dbname: str):
    import psycopg

    return psycopg.connect(
        dbname=dbname,
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        autocommit=True,
        connect_timeout=10,
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):  # extends pytest-django's
    """Before the test database is made: the application role exists (a cluster-wide name,
    created once; parallel processes may race to it)."""
    import psycopg
    from django.conf import settings
    from django.db import connections
    from psycopg import sql

    role = settings.DATABASE_APP_ROLE
    with _owner_connect(connections["default"].settings_dict, "postgres") as owner:
        # Two processes that both find no role would both create it; the loser's error is a
        # unique violation on the catalogue, not "already exists": one at a time, by a lock.
        owner.execute("SELECT pg_advisory_lock(hashtext('ssr-test-app-role'))")
        if owner.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
            return
        with contextlib.suppress(psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
            owner.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(role)
                )
            )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's set-up migrated as the owner (and granted the role its privileges); from
    here on every connection, live-server threads' included, logs in as the application role."""
    from django.conf import settings
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    owner = {"USER": settings_dict["USER"], "PASSWORD": settings_dict["PASSWORD"]}
    role = settings.DATABASE_APP_ROLE
    with django_db_blocker.unblock():
        connections["default"].close()
    settings_dict.update(
        USER=role, PASSWORD=role, OWNER_USER=owner["USER"], OWNER_PASSWORD=owner["PASSWORD"]
    )
    yield
    with django_db_blocker.unblock():
        connections["default"].close()
    settings_dict.update(owner)  # the owner drops the test database


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path_factory):
    """Every test writes its files (invoice documents, uploads) to a directory of its own: the
    parallel test processes give out the same invoice numbers, and one process's file under the
    shared name must never be read back by another."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: sessions, users and access are cached by primary
    key (ssr_portal.auth_cache), and a re-created test database hands the same keys out again."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def owner_cursor(db):
    """A cursor as the owner on the test database, outside the test's transaction: for tests
    that must look at what only the owner sees (triggers) or do what only the owner may."""
    from django.db import connections

    settings_dict = dict(connections["default"].settings_dict)
    settings_dict.update(USER=settings_dict["OWNER_USER"], PASSWORD=settings_dict["OWNER_PASSWORD"])
    with _owner_connect(settings_dict, settings_dict["NAME"]) as owner:
        yield owner.cursor()


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


def verified_login(client: Client, user) -> Client:
    """Log in as if with password and a TOTP code (the secretariat and RSIB/RKK need both)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def secretariat(secretariat_user) -> Client:
    return verified_login(Client(), secretariat_user)


# --- Forum people -----------------------------------------------------------------------------
# - ``holder``: Hanna holds the seat function at the seat's actor (member of the forum);
# - ``deputy``: Dan deputises for the same function;
# - ``outsider``: Olle holds a seat in another forum only.


def _person_with_login(username: str, first_name: str):
    user = UserFactory(username=username, first_name=first_name, last_name="Test")
    return PersonFactory(user=user, first_name=first_name, last_name="Test")


@pytest.fixture
def forum(db):
    return ForumFactory(name="Regional samordningsgrupp", activated_name="Samordnande forum")


@pytest.fixture
def seat(forum):
    return SeatFactory(forum=forum, actor__name="Huddinge kommun", function__name="Säkerhetschef")


@pytest.fixture
def actor_function(seat):
    return ActorFunction.objects.get(actor=seat.actor, function=seat.function)


@pytest.fixture
def holder(actor_function):
    person = _person_with_login("hanna", "Hanna")
    AssignmentFactory(actor_function=actor_function, person=person)
    forum_access_sync()
    return person.user


@pytest.fixture
def deputy(actor_function):
    person = _person_with_login("dan", "Dan")
    AssignmentFactory(actor_function=actor_function, person=person, role=Assignment.Role.DEPUTY)
    forum_access_sync()
    return person.user


@pytest.fixture
def other_forum(db):
    return ForumFactory(name="Regional chefsgrupp", activated_name="Inriktande forum")


@pytest.fixture
def outsider(other_forum):
    seat = SeatFactory(forum=other_forum, function__name="Högsta tjänsteperson")
    person = _person_with_login("olle", "Olle")
    AssignmentFactory(
        actor_function=ActorFunction.objects.get(actor=seat.actor, function=seat.function),
        person=person,
    )
    forum_access_sync()
    return person.user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def holder_client(holder):
    return _client(holder)


@pytest.fixture
def deputy_client(deputy):
    return _client(deputy)


@pytest.fixture
def outsider_client(outsider):
    return _client(outsider)


# --- Real mail and SMS ------------------------------------------------------------------------


@pytest.fixture
def smtp(settings):
    """Django sends real SMTP to a server on 127.0.0.1 that the test reads."""
    from tests.mailboxes import SmtpServer

    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield server


@pytest.fixture
def sms_gateway(settings):
    from tests.mailboxes import SmsGateway

    with SmsGateway() as gateway:
        settings.SMS_BACKEND = "notifications.channels.HttpSmsGateway"
        settings.SMS_GATEWAY_URL = gateway.url
        settings.SMS_GATEWAY_TOKEN = "test-token"
        settings.SMS_SENDER = "SSR"
        yield gateway


@pytest.fixture
def world(forum, seat, holder, deputy, settings):
    """A small, complete portal around ``forum`` (see tests/world.py), with an RSIB and an RKK
    on duty."""
    from incidents.models import OnCallRole
    from tests.incidents.conftest import _on_call
    from tests.world import build_world

    rsib = _on_call("rut", OnCallRole.RSIB, now=True)
    rkk = _on_call("kim", OnCallRole.RKK, now=True)
    return build_world(forum=forum, seat=seat, holder=holder, rsib=rsib, rkk=rkk, settings=settings)
