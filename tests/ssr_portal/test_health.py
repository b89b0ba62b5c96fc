import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_with_postgres_and_redis(anonymous):
    response = anonymous.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_healthz_is_503_when_redis_is_down(anonymous, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = anonymous.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error")


def test_healthz_skips_redis_when_not_configured(anonymous, settings):
    settings.REDIS_URL = ""
    response = anonymous.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == "not configured"


def test_healthz_is_503_when_the_database_is_down(anonymous, monkeypatch):
    from ssr_portal import views

    def broken():
        raise ConnectionError("database is gone")

    monkeypatch.setattr(views, "_check_database", broken)
    response = anonymous.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error: ConnectionError"
