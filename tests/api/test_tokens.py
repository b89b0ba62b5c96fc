"""Tokens: stored hashed, shown once, an expiry within bounds, refused once revoked or expired,
each use logged in the append-only request log and counted against a rate limit per minute."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from api import services
from api.models import ApiRequest, ApiToken
from tests.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db

INCIDENTS = "/api/v1/incidents"


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and "type" in body and "detail" in body
    return body


def test_a_token_is_stored_only_as_the_hash_of_its_secret(huddinge_token):
    token, secret = huddinge_token.token, huddinge_token.secret
    assert secret.startswith(f"ssr_{token.pk}_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    for field in ApiToken._meta.concrete_fields:
        assert secret.split("_", 2)[2] not in str(getattr(stored, field.attname))
    assert services.token_find(secret) == stored
    assert services.token_find(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None


def test_the_expiry_is_required_in_the_future_and_at_most_400_days(seat, secretariat_user):
    for days in (-1, 401):
        with pytest.raises(ValidationError) as refused:
            make_token(seat.actor, secretariat_user, days=days)
        assert "expires_at" in refused.value.message_dict
    assert make_token(seat.actor, secretariat_user, days=399).token.pk


def test_a_token_needs_a_name_and_a_known_scope(seat, secretariat_user):
    with pytest.raises(ValidationError) as refused:
        make_token(seat.actor, secretariat_user, scopes=["everything"], name=" ")
    assert set(refused.value.message_dict) == {"name", "scopes"}


def test_only_the_secretariat_or_the_actors_contact_creates_tokens(
    seat, holder, contact, outsider, other_forum
):
    with pytest.raises(PermissionDenied):
        make_token(seat.actor, holder)
    assert make_token(seat.actor, contact).token.actor == seat.actor
    other = other_forum.seats.get().actor
    with pytest.raises(PermissionDenied):
        make_token(other, contact)


def test_without_a_valid_token_the_api_answers_401_problem_details(anonymous, huddinge_token):
    body = _problem(anonymous.get(INCIDENTS), 401)
    assert "token" in body["detail"].lower()
    assert _problem(bearer("ssr_1_guess").get(INCIDENTS), 401)
    assert _problem(bearer("nonsense").get(INCIDENTS), 401)
    assert bearer(huddinge_token.secret).get(INCIDENTS).status_code == 200


def test_a_revoked_token_answers_401_and_its_use_is_still_logged(huddinge_token, secretariat_user):
    client = bearer(huddinge_token.secret)
    assert client.get(INCIDENTS).status_code == 200
    services.token_revoke(token=huddinge_token.token, by=secretariat_user)
    response = client.get(INCIDENTS)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    rows = list(ApiRequest.objects.order_by("pk").values_list("method", "path", "status"))
    assert rows == [("GET", INCIDENTS, 200), ("GET", INCIDENTS, 401)]
    with pytest.raises(ValidationError):
        services.token_revoke(token=huddinge_token.token, by=secretariat_user)


def test_an_expired_token_answers_401(huddinge_token):
    ApiToken.objects.filter(pk=huddinge_token.token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    _problem(bearer(huddinge_token.secret).get(INCIDENTS), 401)


def test_every_request_is_logged_and_the_log_cannot_be_changed(huddinge, huddinge_token):
    huddinge.get(INCIDENTS + "?limit=5")
    huddinge.get("/api/v1/incidents/999999/picture")
    rows = list(ApiRequest.objects.order_by("pk"))
    assert [(r.token_id, r.method, r.path, r.status) for r in rows] == [
        (huddinge_token.token.pk, "GET", INCIDENTS + "?limit=5", 200),
        (huddinge_token.token.pk, "GET", "/api/v1/incidents/999999/picture", 404),
    ]
    assert all(r.occurred_at for r in rows)
    for change in (
        lambda: ApiRequest.objects.filter(pk=rows[0].pk).update(status=500),
        lambda: ApiRequest.objects.filter(pk=rows[0].pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert ApiRequest.objects.get(pk=rows[0].pk).status == 200


def test_the_rate_limit_answers_429_with_retry_after(huddinge, huddinge_token, settings, seat):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    answers = [huddinge.get(INCIDENTS).status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    response = huddinge.get(INCIDENTS)
    _problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 61
    # Per token: another token of the same actor is not held back.
    other = make_token(seat.actor, huddinge_token.token.created_by)
    assert bearer(other.secret).get(INCIDENTS).status_code == 200
    assert ApiRequest.objects.filter(status=429).count() == 1


def test_a_missing_scope_is_403_problem_details(seat, secretariat_user, incident):
    reader = bearer(make_token(seat.actor, secretariat_user, scopes=["read_registry"]).secret)
    body = _problem(reader.get(INCIDENTS), 403)
    assert "read_incidents" in body["detail"]
    body = _problem(
        reader.post(
            f"/api/v1/incidents/{incident.pk}/reports",
            {"impact": "normal", "situation": "Lugnt"},
            content_type="application/json",
        ),
        403,
    )
    assert "submit_reports" in body["detail"]
    assert reader.get("/api/v1/actors").status_code == 200
