"""/healthz is liveness (the process answers); /healthz/ready is readiness (the database answers;
Redis is reported, not fatal: the portal works without it)."""

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _database_down(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise ConnectionError("database is gone")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", broken)


def test_healthz_is_live_while_the_process_answers(anonymous):
    response = anonymous.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_stays_live_when_the_database_and_redis_are_down(anonymous, settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    _database_down(monkeypatch)
    response = anonymous.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_is_ok_with_postgres_and_redis(anonymous):
    response = anonymous.get(reverse("healthz_ready"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "redis": "ok"}
    assert isinstance(body["cache_errors"], int)


def test_ready_reports_redis_down_but_stays_ready(anonymous, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = anonymous.get(reverse("healthz_ready"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == "error: ConnectionError"


def test_ready_counts_the_cache_operations_that_went_without_redis(anonymous, settings):
    from django.core.cache import cache

    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    }
    before = anonymous.get(reverse("healthz_ready")).json()["cache_errors"]
    assert cache.get("anything", "missed") == "missed"
    assert anonymous.get(reverse("healthz_ready")).json()["cache_errors"] > before


def test_ready_skips_redis_when_not_configured(anonymous, settings):
    settings.REDIS_URL = ""
    response = anonymous.get(reverse("healthz_ready"))
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == "not configured"


def test_ready_is_503_when_the_database_is_down(anonymous, monkeypatch):
    _database_down(monkeypatch)
    response = anonymous.get(reverse("healthz_ready"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "error: ConnectionError"
    assert body["checks"]["redis"] == "ok"


def test_both_are_reachable_over_plain_http_and_before_a_second_factor(settings):
    import re

    from ssr_portal.two_factor import reachable_unverified

    for path in ("/healthz", "/healthz/ready"):
        assert reachable_unverified(path)
        assert any(re.search(p, path.lstrip("/")) for p in settings.SECURE_REDIRECT_EXEMPT)
