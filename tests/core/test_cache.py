"""The Redis cache reads as a miss while Redis is away, and the pages that use it still work."""

import logging
import pickle
import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from core import cache as resilient
from core.cache import ResilientRedisCache, cache_errors
from tests.faults.harness import free_port
from tests.incidents.conftest import client_for, incident, prepared, rsib  # noqa: F401


def _dead_location() -> str:
    """A Redis URL on a port where nothing listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


def _cache(location: str) -> ResilientRedisCache:
    return ResilientRedisCache(
        location, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )


@pytest.fixture
def no_pause(monkeypatch):
    """Every operation goes to Redis (no pause after a failure)."""
    monkeypatch.setattr(resilient, "RETRY_AFTER_SECONDS", 0.0)


def test_every_operation_is_a_miss_while_redis_is_down(no_pause):
    cache = _cache(_dead_location())
    before = cache_errors()
    started = time.monotonic()
    assert cache.get("k") is None
    assert cache.get("k", "default") == "default"
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False
    assert cache.touch("k") is False
    assert cache.delete("k") is False
    assert cache.has_key("k") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete_many(["a", "b"]) is None
    assert cache.get_or_set("k", "computed") == "computed"
    assert cache.clear() is False
    with pytest.raises(ValueError):
        cache.incr("k")
    with pytest.raises(ValueError):
        cache.decr("k")
    assert time.monotonic() - started < 5
    # get_or_set is three operations (get, add, get); incr and decr one each.
    assert cache_errors() - before == 16


def test_after_a_failure_redis_is_not_tried_again_for_a_moment(monkeypatch):
    cache = _cache(_dead_location())
    calls = []
    real = cache._cache.get
    monkeypatch.setattr(cache._cache, "get", lambda *a: calls.append(a) or real(*a))
    before = cache_errors()
    for _ in range(5):
        assert cache.get("k", "default") == "default"
    assert len(calls) == 1
    assert cache_errors() - before == 5


def test_the_warning_is_logged_once_per_interval(no_pause, monkeypatch, caplog):
    monkeypatch.setattr(resilient, "_last_logged", 0.0)
    cache = _cache(_dead_location())
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for _ in range(10):
            cache.get("k")
    warnings = [r for r in caplog.records if r.name == "core.cache"]
    assert len(warnings) == 1
    assert "Cache unavailable" in warnings[0].getMessage()
    assert resilient.last_cache_error().startswith("ConnectionError")


def test_with_redis_up_it_is_the_redis_cache():
    cache = _cache(django_settings.REDIS_URL)
    before = cache_errors()
    cache.set("resilient-test", {"a": 1}, 30)
    assert cache.get("resilient-test") == {"a": 1}
    assert cache.add("resilient-test", 2) is False
    cache.set("resilient-count", 1, 30)
    assert cache.incr("resilient-count") == 2
    assert cache.delete("resilient-test") is True
    cache.delete("resilient-count")
    with pytest.raises(ValueError):
        cache.incr("resilient-missing")
    assert cache_errors() == before


def test_errors_other_than_redis_being_away_are_raised(no_pause):
    cache = _cache(_dead_location())
    before = cache_errors()
    with pytest.raises((pickle.PicklingError, AttributeError)):
        cache.set("k", lambda: 1)  # cannot be pickled: a programming error, not an outage
    assert cache_errors() == before


def test_the_settings_use_the_resilient_cache_with_short_timeouts():
    default = django_settings.CACHES["default"]
    assert default["BACKEND"] == "core.cache.ResilientRedisCache"
    assert default["OPTIONS"]["socket_timeout"] == django_settings.CACHE_TIMEOUT_SECONDS <= 1
    # Sessions are read through the cache and kept in the database (ssr_portal.sessions).
    assert django_settings.SESSION_ENGINE == "ssr_portal.sessions"


@pytest.mark.django_db
def test_the_picture_pages_answer_while_redis_is_down(incident, rsib, holder, settings):  # noqa: F811
    from incidents.picture import services as picture_services

    picture_services.picture_publish(
        incident=incident, audience="full", summary="Läget just nu", published_by=rsib
    )
    settings.CACHES = {
        "default": {**django_settings.CACHES["default"], "LOCATION": _dead_location()}
    }
    before = cache_errors()
    coordinator, member = client_for(rsib), client_for(holder)
    pages = [
        (coordinator, reverse("incidents:picture", args=[incident.pk]), {}),
        (member, reverse("incidents:picture", args=[incident.pk]), {}),
        (member, reverse("incidents:picture_live", args=[incident.pk]), {"HX-Request": "true"}),
        (member, reverse("incidents:incident_detail", args=[incident.pk]), {}),
        (coordinator, reverse("incidents:board", args=[incident.pk]), {}),
        (member, reverse("home"), {}),
    ]
    for client, url, headers in pages:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
    page = member.get(reverse("incidents:picture", args=[incident.pk])).content.decode()
    assert "Läget just nu" in page
    assert cache_errors() > before
