import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_password_reset_goes_through_the_outbox_and_works(
    member_user, mailoutbox, django_capture_on_commit_callbacks
):
    member_user.email = "maja@example.org"
    member_user.save()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "maja@example.org"})
    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.to == ["maja@example.org"] and "återställa lösenordet" in mail.body
    link = re.search(r"/konto/aterstall/[^/\s]+/[^/\s]+/", mail.body).group(0)
    form_page = client.get(link, follow=True)
    new = "ett-langt-nytt-losenord-2026"
    passwords = {"new_password1": new, "new_password2": new}
    response = client.post(form_page.redirect_chain[-1][0], passwords)
    assert response.status_code == 302
    member_user.refresh_from_db()
    assert member_user.check_password(new)


def test_a_short_password_is_refused(member):
    response = member.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "kort1",
            "new_password2": "kort1",
        },
    )
    assert response.status_code == 200
    assert "minst 12 tecken" in response.content.decode()


def test_logout_everywhere_ends_every_session(member_user):
    phone, laptop = Client(), Client()
    phone.force_login(member_user)
    laptop.force_login(member_user)
    laptop.post(reverse("logout_everywhere"))
    assert phone.get(reverse("home")).status_code == 302
    assert laptop.get(reverse("home")).status_code == 302
