import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_with_a_swedish_message(member_user, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "maja", "fel-lösenord").status_code == 200
    locked = login(client, "maja", "fel-lösenord")
    assert locked.status_code == 429
    assert "För många misslyckade inloggningar" in locked.content.decode()
    # Even the right password is refused while locked.
    assert login(client, "maja", "correct-horse-battery").status_code == 429


def test_the_secretariat_lifts_the_lock(member_user, secretariat, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "maja", "fel")
    page = secretariat.get(reverse("lockouts")).content.decode()
    assert "maja" in page
    secretariat.post(reverse("lockouts"), {"username": "maja"})
    response = login(client, "maja", "correct-horse-battery")
    assert response.status_code == 302


def test_lockouts_page_is_secretariat_only(member, anonymous):
    assert member.get(reverse("lockouts")).status_code == 403
    assert anonymous.get(reverse("lockouts")).status_code == 302


# --- Behind the TLS proxy (issue 14, point 9) --------------------------------------------------

PROXY = "10.0.0.2"


def proxied_login(client, username, password, client_address):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def test_behind_the_proxy_one_clients_failures_do_not_lock_out_another(member_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        proxied_login(attacker, "maja", "fel", "198.51.100.7")
    locked = proxied_login(attacker, "maja", "correct-horse-battery", "198.51.100.7")
    assert locked.status_code == 429
    # Maja at her own address, through the same proxy, still gets in.
    response = proxied_login(Client(), "maja", "correct-horse-battery", "203.0.113.5")
    assert response.status_code == 302


def test_the_audit_trail_records_the_clients_address_not_the_proxys(member_user, settings):
    from core.models import AuditEvent

    settings.TRUSTED_PROXY_COUNT = 1
    proxied_login(Client(), "maja", "fel", "198.51.100.7")
    proxied_login(Client(), "maja", "correct-horse-battery", "203.0.113.5")
    failed = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN_FAILED)
    login = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN)
    assert failed.ip_address == "198.51.100.7" and login.ip_address == "203.0.113.5"


def test_a_forged_forwarded_for_is_not_trusted(member_user, settings):
    """A client's own X-Forwarded-For entry sits left of the one our proxy appends."""
    from django.test import RequestFactory

    from core.audit import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
    )
    assert client_ip(request) == "198.51.100.7"
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="junk")
    assert client_ip(request) == PROXY
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == PROXY
