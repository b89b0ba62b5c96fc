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


def test_the_secretariat_resets_a_lost_device(secretariat, secretariat_user, member_user):
    TOTPDevice.objects.create(user=member_user, name="app", confirmed=True)
    secretariat.post(reverse("two_factor_reset", args=[member_user.pk]))
    assert not TOTPDevice.objects.filter(user=member_user).exists()
    assert Client().post(reverse("two_factor_reset", args=[member_user.pk])).status_code == 302
