"""The live fragment answers an unchanged poll from Redis, without PostgreSQL (incidents.picture.
live): ``?since=`` with the current version → 204, ``If-None-Match`` with the current ETag → 304,
the fragment itself by its ETag; a change gives a new ETag at once, and a withdrawn right is a
404 on the very next poll."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from actors import services as actor_services
from actors.models import Assignment
from incidents import services
from incidents.models import IncidentUserObjectPermission, Shift
from incidents.picture import services as picture_services
from tests.incidents.conftest import client_for, report

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _still_clock():
    """The fragment (and its ETag) is rendered per minute: the clock stands still here."""
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        yield


@pytest.fixture
def live(objects):
    return reverse("incidents:picture_live", args=[objects["incident"].pk])


def _first(client, url):
    response = client.get(url, headers=HTMX)
    assert response.status_code == 200
    return response["ETag"], response.context["version_key"]


def test_an_unchanged_poll_reads_nothing_from_the_database(
    objects, holder, live, django_assert_num_queries
):
    client = client_for(holder)
    etag, version = _first(client, live)
    with django_assert_num_queries(0):
        assert client.get(live, {"since": version}, headers=HTMX).status_code == 204
        not_modified = client.get(live, headers={**HTMX, "If-None-Match": etag})
        again = client.get(live, headers=HTMX)
    assert not_modified.status_code == 304 and not_modified["ETag"] == etag
    assert again.status_code == 200 and again["ETag"] == etag
    assert "Sammanfattning" in again.content.decode()


def test_the_secretariat_polls_from_the_cache_too(
    objects, secretariat, live, django_assert_num_queries
):
    etag, version = _first(secretariat, live)
    with django_assert_num_queries(0):
        assert secretariat.get(live, {"since": version}, headers=HTMX).status_code == 204
        assert secretariat.get(live, headers={**HTMX, "If-None-Match": etag}).status_code == 304


def test_a_new_report_gives_a_new_etag(objects, holder, seat, live):
    client = client_for(holder)
    etag, version = _first(client, live)
    report(objects["incident"], seat.actor, holder, situation="Vatten i källaren")
    response = client.get(live, headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Vatten i källaren" in response.content.decode()
    # The page's poll swaps only for a new picture version, as before.
    assert client.get(live, {"since": version}, headers=HTMX).status_code == 204


def test_a_new_picture_is_announced_on_the_next_poll(objects, holder, rsib, live):
    client = client_for(holder)
    etag, version = _first(client, live)
    client.get(live, {"since": version}, headers=HTMX)  # cached
    picture_services.picture_publish(
        incident=objects["incident"], audience="full", summary="Ny bild", published_by=rsib
    )
    response = client.get(live, {"since": version}, headers=HTMX)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "version 2" in response.content.decode()


def test_a_new_status_gives_a_new_etag(objects, holder, seat, live):
    client = client_for(holder)
    etag, _version = _first(client, live)
    services.actor_status_set(
        incident=objects["incident"], actor=seat.actor, status="active", by=holder
    )
    response = client.get(live, headers={**HTMX, "If-None-Match": etag})
    assert response.status_code == 200 and response["ETag"] != etag


def test_a_withdrawn_permission_is_a_404_on_the_next_poll(objects, holder, live):
    client = client_for(holder)
    etag, version = _first(client, live)
    assert client.get(live, {"since": version}, headers=HTMX).status_code == 204
    IncidentUserObjectPermission.objects.filter(user=holder).delete()
    assert client.get(live, {"since": version}, headers=HTMX).status_code == 404
    assert client.get(live, headers={**HTMX, "If-None-Match": etag}).status_code == 404


def test_an_ended_seat_is_a_404_on_the_next_poll(objects, holder, live):
    """The seat holder's assignment ends: forum and incident access are withdrawn by the sync
    (assignments_changed), and the cached right with them."""
    client = client_for(holder)
    etag, version = _first(client, live)
    assert client.get(live, {"since": version}, headers=HTMX).status_code == 204
    assignment = Assignment.objects.get(person__user=holder, role=Assignment.Role.HOLDER)
    actor_services.assignment_end(
        assignment=assignment, ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert not IncidentUserObjectPermission.objects.filter(user=holder).exists()
    assert client.get(live, {"since": version}, headers=HTMX).status_code == 404
    assert client.get(live, headers={**HTMX, "If-None-Match": etag}).status_code == 404


def test_leaving_the_secretariat_is_a_404_on_the_next_poll(
    objects, secretariat, secretariat_user, live
):
    etag, version = _first(secretariat, live)
    assert secretariat.get(live, {"since": version}, headers=HTMX).status_code == 204
    secretariat_user.groups.remove(Group.objects.get(name="secretariat"))
    assert secretariat.get(live, {"since": version}, headers=HTMX).status_code == 404


def test_a_deactivated_member_is_logged_out_on_the_next_poll(objects, holder, live):
    client = client_for(holder)
    _etag, version = _first(client, live)
    holder.is_active = False
    holder.save(update_fields=["is_active"])
    assert client.get(live, {"since": version}, headers=HTMX).status_code == 302


def test_the_rsib_on_duty_is_asked_the_database_each_time(objects, rsib, live):
    """A shift ends with the clock, not with a write: that right is never cached."""
    client = client_for(rsib)
    _etag, version = _first(client, live)
    response = client.get(live, {"since": version}, headers=HTMX)
    assert response.status_code == 204
    # The shift runs out (an update, as the clock would: no write the caches hear of).
    Shift.objects.filter(person__user=rsib).update(
        ends_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get(live, {"since": version}, headers=HTMX).status_code == 404
