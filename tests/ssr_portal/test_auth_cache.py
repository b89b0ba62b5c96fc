"""A logged-in request reads the session, the user and the two-factor state from Redis
(ssr_portal.auth_cache, cached_db sessions), and every change to them is seen on the very next
request: against the real Redis of the suite, and from the database when Redis is down."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import auth_cache
from incidents.models import OnCallRole
from incidents.roster import services as roster_services
from ssr_portal.models import IdentityProviderDevice
from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ssr_portal.floor_urls")]

FLOOR = "/bench/golv/"  # open to anyone, but still loads the user for the two-factor rule
PAGE = "/test/vem/"  # behind the login: shows whether the session still holds
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def _warm(client: Client, url: str = FLOOR) -> None:
    """Two requests: the first fills the cache."""
    for _ in range(2):
        assert client.get(url).status_code == 200


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and reverse("login") in response["Location"]


@pytest.fixture
def two_sessions(member_user) -> tuple[Client, Client]:
    """The member logged in twice (here and elsewhere), both sessions in the cache."""
    sessions = (Client(), Client())
    for client in sessions:
        client.force_login(member_user)
        _warm(client)
    return sessions


# --- What a warm request costs --------------------------------------------------------------


def test_a_warm_logged_in_request_reads_nothing_from_the_database(
    member, django_assert_num_queries
):
    member.get(FLOOR)
    with django_assert_num_queries(0):
        assert member.get(FLOOR).status_code == 200


def test_a_warm_verified_request_reads_nothing_from_the_database(
    secretariat, django_assert_num_queries
):
    """The secretariat must have two factors: its verified device comes from the cache too."""
    secretariat.get(FLOOR)
    with django_assert_num_queries(0):
        assert secretariat.get(FLOOR).status_code == 200


def test_a_cold_request_fills_the_cache_once(member, django_assert_max_num_queries):
    member.get(FLOOR)  # the first request after the login writes the session
    from django.core.cache import cache

    cache.clear()
    # Session, user, groups, shifts: then nothing until something changes.
    with django_assert_max_num_queries(4):
        assert member.get(FLOOR).status_code == 200


# --- Invalidation: each change is visible on the next request --------------------------------


def test_removal_from_the_secretariat_group_withdraws_access_at_once(secretariat, secretariat_user):
    _warm(secretariat, reverse("lockouts"))
    secretariat_user.groups.remove(Group.objects.get(name="secretariat"))
    assert secretariat.get(reverse("lockouts")).status_code == 403


def test_removal_from_the_group_side_withdraws_access_at_once(secretariat, secretariat_user):
    _warm(secretariat, reverse("lockouts"))
    Group.objects.get(name="secretariat").user_set.remove(secretariat_user)
    assert secretariat.get(reverse("lockouts")).status_code == 403


def test_a_cleared_or_deleted_group_withdraws_access_at_once(secretariat, secretariat_user):
    _warm(secretariat, reverse("lockouts"))
    Group.objects.get(name="secretariat").user_set.clear()
    assert secretariat.get(reverse("lockouts")).status_code == 403
    secretariat_user.groups.add(Group.objects.get(name="secretariat"))
    _warm(secretariat, reverse("lockouts"))
    Group.objects.get(name="secretariat").delete()
    assert secretariat.get(reverse("lockouts")).status_code == 403


def test_joining_the_secretariat_asks_for_the_second_factor_at_once(member, member_user):
    _warm(member)
    member_user.groups.add(Group.objects.get_or_create(name="secretariat")[0])
    response = member.get(FLOOR)
    assert response.status_code == 302
    assert reverse("two_factor_setup") in response["Location"]


def test_a_deactivated_user_is_logged_out_at_once(member, member_user):
    _warm(member)
    member_user.is_active = False
    member_user.save(update_fields=["is_active"])
    assert _is_login_redirect(member.get(PAGE))


def test_a_password_change_ends_the_users_other_sessions(two_sessions):
    here, elsewhere = two_sessions
    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "ett-helt-nytt-losenord",
            "new_password2": "ett-helt-nytt-losenord",
        },
    )
    assert response.status_code == 302
    assert here.get(PAGE).status_code == 200  # the session that changed it stays
    assert _is_login_redirect(elsewhere.get(PAGE))


def test_a_password_set_elsewhere_ends_every_session(member, member_user):
    _warm(member)
    member_user.set_password("satt-av-nagon-annan")
    member_user.save()
    assert _is_login_redirect(member.get(PAGE))


def test_a_reset_device_no_longer_verifies(secretariat, secretariat_user):
    _warm(secretariat)
    TOTPDevice.objects.filter(user=secretariat_user).delete()  # as two_factor.reset does
    response = secretariat.get(FLOOR)
    assert response.status_code == 302
    assert reverse("two_factor_setup") in response["Location"]


def test_the_secretariats_reset_of_a_device_is_seen_at_once(
    secretariat, secretariat_user, settings
):
    other = UserFactory(username="ola", secretariat=True)
    them = verified_login(Client(), other)
    _warm(them)
    secretariat.post(reverse("two_factor_reset", args=[other.pk]), {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=other).exists()
    response = them.get(FLOOR)
    assert response.status_code == 302
    assert reverse("two_factor_setup") in response["Location"]


def test_an_unconfirmed_device_no_longer_verifies(secretariat, secretariat_user):
    _warm(secretariat)
    device = TOTPDevice.objects.get(user=secretariat_user)
    device.confirmed = False
    device.save(update_fields=["confirmed"])
    response = secretariat.get(FLOOR)
    assert response.status_code == 302
    assert reverse("two_factor_verify") in response["Location"] or (
        reverse("two_factor_setup") in response["Location"]
    )


def test_an_identity_providers_device_removed_no_longer_verifies(secretariat_user):
    """A login through an actor's provider that asserted two factors (ssr_portal.oidc)."""
    client = Client()
    client.force_login(secretariat_user)
    device = IdentityProviderDevice.objects.create(user=secretariat_user, name="idp")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    _warm(client)
    device.delete()
    assert client.get(FLOOR).status_code == 302


def test_an_rsib_shift_asks_for_the_second_factor_at_once(member, member_user):
    _warm(member)
    start = timezone.now() - datetime.timedelta(hours=1)
    roster_services.shift_create(
        role=OnCallRole.RSIB,
        person=member_user.person,
        lending_actor=member_user.person.actor,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=12),
    )
    response = member.get(FLOOR)
    assert response.status_code == 302
    assert reverse("two_factor_setup") in response["Location"]


def test_logout_ends_the_session_even_though_the_cache_had_it(member, settings):
    _warm(member)
    cookie = member.cookies[settings.SESSION_COOKIE_NAME].value
    member.post(reverse("logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert _is_login_redirect(replay.get(PAGE))


def test_logout_everywhere_ends_every_cached_session(two_sessions):
    here, elsewhere = two_sessions
    here.post(reverse("logout_everywhere"))
    assert _is_login_redirect(elsewhere.get(PAGE))
    assert _is_login_redirect(here.get(PAGE))


def test_an_entry_from_before_a_change_is_never_used(member, member_user):
    """A reader that raced a change stored what it read under the token the change deleted."""
    _warm(member)
    stale = member_user.__class__.objects.get(pk=member_user.pk)
    old_token = auth_cache.new_token(auth_cache.user_token_key(member_user.pk))
    member_user.is_active = False
    member_user.save(update_fields=["is_active"])
    from django.core.cache import cache

    cache.set(
        f"auth:v1:user:{member_user.pk}",
        auth_cache.stamp(
            {"backend": "django.contrib.auth.backends.ModelBackend", "user": stale}, old_token
        ),
    )
    assert _is_login_redirect(member.get(PAGE))
