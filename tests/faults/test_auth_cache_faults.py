"""Redis stops while members are logged in: every request is answered from the database (the
truth), a change made while Redis is away counts at once, and an invalidation that could not
reach Redis is sent when it answers again."""

import subprocess
import time

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core import cache as resilient
from tests.conftest import verified_login
from tests.faults.harness import RedisServer, portal_settings, wait_until

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.ssr_portal.floor_urls"),
]

FLOOR = "/bench/golv/"


def test_with_redis_down_logged_in_requests_answer_from_the_database(
    member_user, secretariat_user, django_assert_max_num_queries
):
    with RedisServer() as redis, portal_settings(redis.url):
        member = Client()
        member.force_login(member_user)
        secretariat = verified_login(Client(), secretariat_user)
        for client in (member, secretariat):
            assert client.get(FLOOR).status_code == 200
            assert client.get(reverse("home")).status_code == 200

        redis.stop()
        for client in (member, secretariat):
            # Session, user, groups, shifts, device: what the cache would have kept.
            with django_assert_max_num_queries(5):
                assert client.get(FLOOR).status_code == 200
            assert client.get(reverse("home")).status_code == 200
        assert secretariat.get(reverse("lockouts")).status_code == 200

        # A change while Redis is away counts at once: the database is read.
        Group.objects.get(name="secretariat").user_set.remove(secretariat_user)
        assert secretariat.get(reverse("lockouts")).status_code == 403
        member_user.is_active = False
        member_user.save(update_fields=["is_active"])
        assert member.get("/test/vem/").status_code == 302


def test_an_invalidation_that_missed_redis_is_sent_when_it_answers(member_user, settings):
    """Redis that stops answering for a while (not restarted: it keeps the old entries) while the
    user is deactivated: the delete is sent again once it answers, so the old entry is never
    served."""
    with RedisServer() as redis, portal_settings(redis.url):
        member = Client()
        member.force_login(member_user)
        for _ in range(2):
            assert member.get(FLOOR).status_code == 200
        before = resilient.pending_deletes()  # those of servers other tests left behind
        subprocess.run(
            ["redis-cli", "-p", str(redis.port), "CLIENT", "PAUSE", "1500", "ALL"], check=True
        )
        member_user.is_active = False
        member_user.save(update_fields=["is_active"])  # its delete times out
        assert resilient.pending_deletes() > before
        time.sleep(1.6)  # the pause is over: Redis answers with everything it held
        assert wait_until(
            lambda: cache.get("any") is None and resilient.pending_deletes() == before, 5
        )
        assert member.get("/test/vem/").status_code == 302
