"""A repeated submit returns the first result (core.idempotency), through a page built on
core.pages.confirm_page with ``once``."""

import uuid

import pytest
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from core import idempotency
from core.models import IdempotencyKey
from core.pages import confirm_page
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _post(user, key, path="/act/"):
    request = RequestFactory().post(path, {idempotency.FIELD: key} if key else {})
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    MessageMiddleware(lambda r: HttpResponse()).process_request(request)
    request.user = user
    return request


def _page(request, calls, *, fail=False):
    def action():
        calls.append(1)
        if fail:
            raise ValidationError("Nope")

    return confirm_page(
        request,
        action=action,
        title="Act",
        explanation="",
        confirm_label="Act",
        cancel_url="/",
        success_message="Done",
        done_url="/done/",
        once=True,
    )


def test_the_page_carries_a_fresh_key_each_time(rf):
    user = UserFactory()
    request = rf.get("/act/")
    request.user = user
    first = _page(request, []).content.decode()
    second = _page(request, []).content.decode()
    assert 'name="idempotency_key"' in first
    assert (
        first.split('name="idempotency_key" value="')[1][:32]
        != second.split('name="idempotency_key" value="')[1][:32]
    )


def test_a_repeat_with_the_same_key_acts_once_and_goes_where_the_first_went():
    user, key, calls = UserFactory(), uuid.uuid4().hex, []
    first = _page(_post(user, key), calls)
    second = _page(_post(user, key), calls)
    assert calls == [1]
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == "/done/"
    assert IdempotencyKey.objects.get().response_url == "/done/"


def test_an_answer_with_errors_forgets_the_key_so_the_corrected_form_can_be_sent():
    user, key, calls = UserFactory(), uuid.uuid4().hex, []
    assert _page(_post(user, key), calls, fail=True).status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert _page(_post(user, key), calls).status_code == 302
    assert calls == [1, 1]


def test_a_post_without_a_valid_key_acts_as_before():
    user, calls = UserFactory(), []
    _page(_post(user, None), calls)
    _page(_post(user, "not-a-uuid"), calls)
    assert calls == [1, 1]
    assert not IdempotencyKey.objects.exists()


def test_another_persons_key_reveals_nothing(monkeypatch):
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
    key, calls = uuid.uuid4().hex, []
    _page(_post(UserFactory(), key), calls)
    response = _page(_post(UserFactory(), key), calls)
    assert calls == [1]
    assert response.status_code == 409
    assert b"/done/" not in response.content


def test_a_repeat_while_the_first_is_still_running_says_so(monkeypatch):
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
    user, key = UserFactory(), uuid.uuid4()
    IdempotencyKey.objects.create(key=key, user=user, path="/act/")  # the first, unfinished
    calls = []
    response = _page(_post(user, key.hex), calls)
    assert calls == []
    assert response.status_code == 409


def test_keys_older_than_a_day_are_deleted():
    import datetime

    from django.utils import timezone

    old = IdempotencyKey.objects.create(
        key=uuid.uuid4(), path="/x/", created_at=timezone.now() - datetime.timedelta(days=2)
    )
    _page(_post(UserFactory(), uuid.uuid4().hex), [])
    assert not IdempotencyKey.objects.filter(pk=old.pk).exists()
