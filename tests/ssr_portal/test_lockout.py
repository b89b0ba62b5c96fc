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
