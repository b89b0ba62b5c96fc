"""Requests for support through their services: each step, the steps refused, expiry, the log,
the notifications and the append-only step log."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from incidents import services as incident_services
from incidents.models import LogEntry, SupportRequest, SupportRequestEvent
from incidents.picture import services as picture_services
from incidents.support import services
from notifications.models import Notification
from tests.factories import ActorFactory

from .conftest import raise_request, soon

pytestmark = pytest.mark.django_db


def _notified(kind: str, user) -> int:
    return Notification.objects.filter(kind=kind, recipient__user=user, channel="portal").count()


def _actions(request) -> list[str]:
    return list(request.events.order_by("pk").values_list("action", flat=True))


# --- Raising --------------------------------------------------------------------------------


def test_an_actor_raises_a_request_that_tells_the_asked_actor_and_is_logged(
    crisis, holder, huddinge, police, police_user
):
    request = raise_request(crisis, holder, actor=huddinge, addressed=[police])
    assert request.status == SupportRequest.Status.OPEN
    assert request.raised_by_actor == huddinge
    assert _actions(request) == ["raised"]
    entry = LogEntry.objects.filter(incident=crisis, kind="request").get()
    assert "Två reservkraftverk" in entry.text and "Polismyndigheten" in entry.text
    assert _notified("support_request", police_user) == 1
    assert _notified("support_request", holder) == 0  # the asker knows


def test_a_request_to_anyone_tells_every_actor_taking_part_but_the_asker(
    crisis, holder, huddinge, police_user, fire_user
):
    request = raise_request(crisis, holder, actor=huddinge, to_anyone=True)
    assert request.to_anyone and not request.addressed_actors.exists()
    assert _notified("support_request", police_user) == 1
    assert _notified("support_request", fire_user) == 1
    assert _notified("support_request", holder) == 0


def test_the_rsib_raises_a_request_for_the_network(crisis, rsib, police):
    request = raise_request(crisis, rsib, addressed=[police])
    assert request.raised_by_actor is None


def test_a_member_must_name_their_own_actor(crisis, holder, police, fire):
    with pytest.raises(ValidationError, match="bara RSIB eller samordningskansliet"):
        raise_request(crisis, holder, addressed=[police])
    with pytest.raises(ValidationError, match="bara göra en begäran för din egen aktör"):
        raise_request(crisis, holder, actor=fire, addressed=[police])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"needed_by": timezone.now() - datetime.timedelta(minutes=1)}, "i framtiden"),
        ({"title": "  "}, "vad som behövs"),
        ({"kind": "money"}, "Okänd typ"),
        ({"priority": "urgent"}, "Okänd prioritet"),
    ],
)
def test_a_request_needs_a_future_time_a_title_and_known_choices(
    crisis, holder, huddinge, police, extra, message
):
    with pytest.raises(ValidationError, match=message):
        raise_request(crisis, holder, actor=huddinge, addressed=[police], **extra)
    assert not SupportRequest.objects.exists()


def test_only_actors_taking_part_can_be_asked_and_nobody_asks_itself(crisis, holder, huddinge):
    stranger = ActorFactory(name="Långtbortistan")
    with pytest.raises(ValidationError, match="Deltar inte.*Långtbortistan"):
        raise_request(crisis, holder, actor=huddinge, addressed=[stranger])
    with pytest.raises(ValidationError, match="inte fråga sig själv"):
        raise_request(crisis, holder, actor=huddinge, addressed=[huddinge])
    with pytest.raises(ValidationError, match="Välj aktörerna"):
        raise_request(crisis, holder, actor=huddinge, addressed=[])


def test_no_request_is_raised_in_a_deactivated_incident(crisis, holder, huddinge, police, rsib):
    incident_services.incident_deactivate(incident=crisis, by=rsib)
    crisis.refresh_from_db()
    with pytest.raises(ValidationError, match="medan händelsen är aktiverad"):
        raise_request(crisis, holder, actor=huddinge, addressed=[police])


# --- Answering ------------------------------------------------------------------------------


def test_the_asked_actor_accepts_and_the_asker_is_told(
    crisis, holder, huddinge, police, police_user
):
    request = raise_request(crisis, holder, actor=huddinge, addressed=[police])
    request = services.support_request_accept(request=request, actor=police, by=police_user)
    assert request.status == SupportRequest.Status.ACCEPTED
    assert request.answered_by_actor == police and not request.partial
    assert request.answered_at is not None
    assert _actions(request) == ["raised", "accepted"]
    assert _notified("support_request_answer", holder) == 1
    assert LogEntry.objects.filter(incident=crisis, kind="request").count() == 2


def test_a_partial_acceptance_says_what_part(crisis, holder, huddinge, police, police_user):
    request = raise_request(crisis, holder, actor=huddinge, addressed=[police])
    with pytest.raises(ValidationError, match="vilken del"):
        services.support_request_accept(request=request, actor=police, by=police_user, partial=True)
    request = services.support_request_accept(
        request=request, actor=police, by=police_user, partial=True, note="Ett av två"
    )
    assert request.partial and request.answer_note == "Ett av två"
    assert _actions(request) == ["raised", "partly_accepted"]


def test_a_second_acceptance_is_refused(
    crisis, holder, huddinge, police, police_user, fire, fire_user
):
    request = raise_request(crisis, holder, actor=huddinge, addressed=[police, fire])
    services.support_request_accept(request=request, actor=police, by=police_user)
    with pytest.raises(ValidationError, match="Polismyndigheten har redan accepterat"):
        services.support_request_accept(request=request, actor=fire, by=fire_user)
    assert SupportRequestEvent.objects.filter(action="accepted").count() == 1


def test_the_request_is_declined_when_every_asked_actor_has_declined(
    crisis, holder, huddinge, police, police_user, fire, fire_user
):
    request = raise_request(crisis, holder, actor=huddinge, addressed=[police, fire])
    with pytest.raises(ValidationError, match="varför ni avböjer"):
        services.support_request_decline(request=request, actor=police, by=police_user, note="")
    request = services.support_request_decline(
        request=request, actor=police, by=police_user, note="Inga resurser"
    )
    assert request.status == SupportRequest.Status.OPEN
    with pytest.raises(ValidationError, match="redan avböjt"):
        services.support_request_decline(request=request, actor=police, by=police_user, note="Igen")
    request = services.support_request_decline(
        request=request, actor=fire, by=fire_user, note="Upptagna"
    )
    assert request.status == SupportRequest.Status.DECLINED
    assert request.ended_at is not None
    assert _notified("support_request_answer", holder) == 2


def test_a_request_to_anyone_stays_open_after_a_decline_and_any_actor_may_accept(
    crisis, holder, huddinge, police, police_user, fire, fire_user
):
    request = raise_request(crisis, holder, actor=huddinge, to_anyone=True)
    request = services.support_request_decline(
        request=request, actor=police, by=police_user, note="Nej"
    )
    assert request.is_open
    request = services.support_request_accept(request=request, actor=fire, by=fire_user)
    assert request.answered_by_actor == fire


def test_nobody_answers_for_an_actor_not_theirs_or_not_asked(
    crisis, holder, huddinge, police, fire, fire_user, rsib, secretariat_user
):
    request = raise_request(crisis, holder, actor=huddinge, addressed=[police])
    with pytest.raises(ValidationError, match="bara svara för din egen aktör"):
        services.support_request_accept(request=request, actor=police, by=fire_user)
    with pytest.raises(ValidationError, match="Brandförsvaret är inte tillfrågad"):
        services.support_request_accept(request=request, actor=fire, by=fire_user)
    # The coordinator may do much, but not answer for an actor it does not act for.
    for coordinator in (rsib, secretariat_user):
        with pytest.raises(ValidationError, match="bara svara för din egen aktör"):
            services.support_request_accept(request=request, actor=police, by=coordinator)
    # Nor does the asker answer its own request.
    with pytest.raises(ValidationError, match="Huddinge kommun är inte tillfrågad"):
        services.support_request_accept(request=request, actor=huddinge, by=holder)


# --- Delivery, closing, expiry --------------------------------------------------------------


def test_the_accepting_actor_delivers_and_the_asker_is_told(
    crisis, holder, huddinge, police, police_user, fire, fire_user
):
    request = raise_request(crisis, holder, actor=huddinge, addressed=[police, fire])
    with pytest.raises(ValidationError, match="Bara en accepterad begäran"):
        services.support_request_deliver(request=request, by=police_user)
    services.support_request_accept(request=request, actor=police, by=police_user)
    with pytest.raises(ValidationError, match="Bara Polismyndigheten"):
        services.support_request_deliver(request=request, by=fire_user)
    request = services.support_request_deliver(request=request, by=police_user, note="Framme")
    assert request.status == SupportRequest.Status.DELIVERED and request.delivered_at
    assert _actions(request) == ["raised", "accepted", "delivered"]
    assert _notified("support_request_answer", holder) == 2
    with pytest.raises(ValidationError, match="inte längre avslutas \\(levererad\\)"):
        services.support_request_close(request=request, by=holder)


def test_the_asker_or_the_rsib_closes_a_request_no_longer_needed(
    crisis, holder, huddinge, police, police_user, rsib
):
    first = raise_request(crisis, holder, actor=huddinge, addressed=[police])
    with pytest.raises(ValidationError, match="Bara den som frågade"):
        services.support_request_close(request=first, by=police_user)
    first = services.support_request_close(request=first, by=holder, note="Löst själva")
    assert first.status == SupportRequest.Status.CLOSED and first.ended_at
    second = raise_request(crisis, holder, actor=huddinge, addressed=[police])
    services.support_request_accept(request=second, actor=police, by=police_user)
    second = services.support_request_close(request=second, by=rsib)
    assert second.status == SupportRequest.Status.CLOSED
    # The actor that had taken it on is told it need not deliver.
    assert _notified("support_request_answer", police_user) == 1
    with pytest.raises(ValidationError, match="inte längre avslutas"):
        services.support_request_close(request=second, by=rsib)


def test_open_requests_past_their_time_expire_once(crisis, holder, huddinge, police, police_user):
    late = raise_request(crisis, holder, actor=huddinge, addressed=[police], needed_by=soon(1))
    taken = raise_request(crisis, holder, actor=huddinge, addressed=[police], needed_by=soon(1))
    services.support_request_accept(request=taken, actor=police, by=police_user)
    waiting = raise_request(crisis, holder, actor=huddinge, addressed=[police], needed_by=soon(5))
    later = timezone.now() + datetime.timedelta(hours=2)
    assert services.support_requests_expire(now=later) == 1
    assert services.support_requests_expire(now=later) == 0  # a repeated run changes nothing
    late.refresh_from_db()
    taken.refresh_from_db()
    waiting.refresh_from_db()
    assert late.status == SupportRequest.Status.EXPIRED
    assert taken.status == SupportRequest.Status.ACCEPTED
    assert waiting.status == SupportRequest.Status.OPEN
    assert _actions(late) == ["raised", "expired"]
    told = Notification.objects.filter(
        kind="support_request_answer", recipient__user=holder, subject__contains="gick ut obesvarad"
    )
    assert told.count() == told.values("channel").distinct().count() > 0  # once per channel
    with pytest.raises(ValidationError, match="inte längre öppen \\(utgången\\)"):
        services.support_request_accept(request=late, actor=police, by=police_user)


def test_the_expiry_task_calls_the_service(crisis, holder, huddinge, police, monkeypatch):
    from incidents.support import tasks

    raise_request(crisis, holder, actor=huddinge, addressed=[police], needed_by=soon(1))
    future = timezone.now() + datetime.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: future)
    assert tasks.expire_support_requests() == 1
    assert tasks.expire_support_requests() == 0


# --- The step log, the picture -------------------------------------------------------------


def _refused(sql: str, *params) -> str:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        return str(exc)
    pytest.fail(f"could run: {sql}")


def test_the_steps_cannot_be_changed_or_deleted_in_the_database(
    crisis, holder, huddinge, police, owner_cursor
):
    request = raise_request(crisis, holder, actor=huddinge, addressed=[police])
    event = request.events.get()
    table = SupportRequestEvent._meta.db_table
    # The portal's role may not; the owner is stopped by the trigger.
    assert "permission denied" in _refused(f"UPDATE {table} SET note = 'x' WHERE id = %s", event.pk)
    assert "permission denied" in _refused(f"DELETE FROM {table} WHERE id = %s", event.pk)
    owner_cursor.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
        [table],
    )
    assert {row[0] for row in owner_cursor.fetchall()} == {
        f"{table}_append_only_update",
        f"{table}_append_only_delete",
    }


def test_a_published_picture_freezes_the_open_requests(
    crisis, holder, huddinge, police, police_user, rsib
):
    open_one = raise_request(crisis, holder, actor=huddinge, addressed=[police], title="Sandsäckar")
    closed = raise_request(crisis, holder, actor=huddinge, addressed=[police], title="Bussar")
    services.support_request_close(request=closed, by=holder)
    full = picture_services.picture_publish(
        incident=crisis, audience="full", summary="Läget", published_by=rsib
    )
    assert [r["title"] for r in full.requests_snapshot] == ["Sandsäckar"]
    row = full.requests_snapshot[0]
    assert row["from"] == "Huddinge kommun" and row["to"] == "Polismyndigheten"
    assert row["status"] == "open"
    services.support_request_accept(request=open_one, actor=police, by=police_user)
    full.refresh_from_db()
    assert full.requests_snapshot[0]["status"] == "open"  # frozen at publication


def test_the_short_picture_carries_no_requests(crisis, holder, huddinge, police, rsib):
    raise_request(crisis, holder, actor=huddinge, addressed=[police])
    short = picture_services.picture_publish(
        incident=crisis, audience="short", summary="Kort", published_by=rsib
    )
    assert short.requests_snapshot == []
