import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_the_secretariat_must_enrol_then_verify(secretariat_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no waiting between the wrong and the right code
    client = Client()
    client.force_login(secretariat_user)
    response = client.get(reverse("actors:actor_list"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("two_factor_setup")
    )

    setup = client.get(reverse("two_factor_setup"))
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=secretariat_user, confirmed=False)
    bad = client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert bad.status_code == 400
    done = client.post(reverse("two_factor_setup"), {"token": code(device), "next": "/aktorer/"})
    assert (
        done.status_code == 200
        and StaticToken.objects.filter(device__user=secretariat_user).count() == 10
    )
    assert client.get(reverse("actors:actor_list")).status_code == 200

    # A new session must verify with a code (a backup code works once).
    other = Client()
    other.force_login(secretariat_user)
    assert other.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
    backup = StaticToken.objects.filter(device__user=secretariat_user).first().token
    assert (
        other.post(reverse("two_factor_verify"), {"token": backup, "next": "/"}).status_code == 302
    )
    assert other.get(reverse("home")).status_code == 200
    third = Client()
    third.force_login(secretariat_user)
    assert third.post(reverse("two_factor_verify"), {"token": backup}).status_code == 400


def test_members_need_no_second_factor_unless_the_setting_says_so(member, settings):
    assert member.get(reverse("home")).status_code == 200
    settings.REQUIRE_2FA_FOR_ALL = True
    assert member.get(reverse("home")).status_code == 302


def test_rsib_staff_need_two_factors(holder):
    from tests.incidents.conftest import _on_call

    user = _on_call("rut", "rsib", now=True)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 302


PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def test_the_secretariat_resets_a_lost_device(secretariat, secretariat_user, member_user):
    TOTPDevice.objects.create(user=member_user, name="app", confirmed=True)
    secretariat.post(reverse("two_factor_reset", args=[member_user.pk]), {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=member_user).exists()
    assert Client().post(reverse("two_factor_reset", args=[member_user.pk])).status_code == 302


# --- The bypass of issue 14: a password alone must never strip or replace the second factor ---


def _password_only(user) -> Client:
    """A session that has passed the password but not the second factor."""
    client = Client()
    client.force_login(user)
    return client


def test_a_password_only_session_cannot_reset_its_own_devices(secretariat_user):
    TOTPDevice.objects.create(user=secretariat_user, name="app", confirmed=True)
    client = _password_only(secretariat_user)
    url = reverse("two_factor_reset", args=[secretariat_user.pk])
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=secretariat_user, confirmed=True).exists()
    # ...so enrolment stays closed: the setup page sends the user to verification.
    assert client.get(reverse("two_factor_setup"))["Location"] == reverse("two_factor_verify")
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))


def test_a_password_only_session_cannot_reset_someone_elses_devices(secretariat_user, member_user):
    TOTPDevice.objects.create(user=secretariat_user, name="app", confirmed=True)
    TOTPDevice.objects.create(user=member_user, name="app", confirmed=True)
    client = _password_only(secretariat_user)
    client.post(reverse("two_factor_reset", args=[member_user.pk]), {"password": PASSWORD})
    assert TOTPDevice.objects.filter(user=member_user).exists()


def test_a_password_only_session_reaches_nothing_but_verification(secretariat_user):
    """Every page of the URL conf answers a password-only secretariat session, GET and POST,
    with a redirect to the verification page, except the few that need no login at all."""
    from ssr_portal.two_factor import reachable_unverified
    from tests.urlconf import sample_paths

    TOTPDevice.objects.create(user=secretariat_user, name="app", confirmed=True)
    client = _password_only(secretariat_user)
    verify = reverse("two_factor_verify")
    reached, checked = [], 0
    for name, url in sorted(sample_paths().items()):
        if reachable_unverified(url):
            continue
        for method in (client.get, client.post):
            response = method(url)
            checked += 1
            if not (response.status_code == 302 and response["Location"].startswith(verify)):
                reached.append((name, url, method.__name__, response.status_code))
    assert checked > 200
    assert reached == []
    for url in ("/admin/", f"/admin/auth/user/{secretariat_user.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(verify)


def test_the_enrolment_page_is_open_only_to_a_user_without_a_device(secretariat_user):
    client = _password_only(secretariat_user)
    assert client.get(reverse("two_factor_setup")).status_code == 200
    TOTPDevice.objects.filter(user=secretariat_user).update(confirmed=True)
    assert client.get(reverse("two_factor_setup"))["Location"] == reverse("two_factor_verify")


def test_a_reset_asks_for_the_password_again(secretariat, member_user, settings):
    TOTPDevice.objects.create(user=member_user, name="app", confirmed=True)
    url = reverse("two_factor_reset", args=[member_user.pk])
    page = secretariat.get(url)
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    wrong = secretariat.post(url, {"password": "not-the-password"})
    assert wrong.status_code == 400 and "Lösenordet är fel" in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=member_user).exists()
    assert secretariat.post(url, {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=member_user).exists()


def test_a_password_entered_minutes_ago_is_still_good_then_expires(
    secretariat, member_user, settings
):
    import time_machine

    url = reverse("two_factor_reset", args=[member_user.pk])
    TOTPDevice.objects.create(user=member_user, name="app", confirmed=True)
    secretariat.post(url, {"password": PASSWORD})
    TOTPDevice.objects.create(user=member_user, name="app2", confirmed=True)
    # Within the sudo window no password is asked for.
    assert 'name="password"' not in secretariat.get(url).content.decode()
    assert secretariat.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=member_user).exists()
    TOTPDevice.objects.create(user=member_user, name="app3", confirmed=True)
    with time_machine.travel(time.time() + settings.SUDO_MODE_SECONDS + 5):
        response = secretariat.post(url)
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=member_user).exists()


def test_nobody_resets_their_own_devices_even_when_verified(secretariat, secretariat_user):
    url = reverse("two_factor_reset", args=[secretariat_user.pk])
    assert secretariat.post(url, {"password": PASSWORD}).status_code == 403
    assert TOTPDevice.objects.filter(user=secretariat_user).exists()


def test_only_a_superuser_resets_a_superusers_devices(secretariat, django_user_model):
    from tests.conftest import verified_login
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    TOTPDevice.objects.create(user=root, name="app", confirmed=True)
    url = reverse("two_factor_reset", args=[root.pk])
    assert secretariat.post(url, {"password": PASSWORD}).status_code == 403
    assert TOTPDevice.objects.filter(user=root, name="app").exists()
    other_root = UserFactory(username="root2", is_superuser=True, is_staff=True)
    client = verified_login(Client(), other_root)
    assert client.post(url, {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=root).exists()


def test_a_wrong_code_is_recorded_in_the_audit_trail(secretariat_user, settings):
    from core.models import AuditEvent

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    TOTPDevice.objects.create(user=secretariat_user, name="app", confirmed=True)
    client = _password_only(secretariat_user)
    assert client.post(reverse("two_factor_verify"), {"token": "000000"}).status_code == 400
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.OTP_FAILED)
    assert event.subject_user == secretariat_user
