"""Every change of a coordination conference goes through here, logged on the incident's
timeline. A closed (or cancelled) conference changes no more: its protocol is append-only, and
only the done state of its actions is followed up afterwards."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from actors.models import Actor
from core.rules import require
from forums.models import Forum

from .. import selectors
from ..models import (
    Conference,
    ConferenceAction,
    ConferenceAttendance,
    ConferenceDecision,
    ConferenceProtocol,
    Incident,
    StatusRoundEntry,
)
from ..timeline import log
from . import notify
from . import selectors as conference_selectors

MAX_REPEATS = 24
IMPACTS = ("normal", "strained", "severe", "critical")


def _when(at: datetime.datetime) -> str:
    return date_format(timezone.localtime(at), "j F Y H:i")


def _require_coordinator(by: Any) -> None:
    require(
        selectors.can_coordinate(by), _("Only the RSIB on duty or the secretariat can do this.")
    )


def _check_when(starts_at: datetime.datetime, duration_minutes: int) -> None:
    now = timezone.now()
    require(starts_at > now, _("A conference is scheduled in the future."))
    # Conferences serve an ongoing incident: a year ahead is a typing error.
    require(
        starts_at < now + datetime.timedelta(days=366),
        _("A conference is scheduled within the coming year."),
    )
    require(5 <= duration_minutes <= 8 * 60, _("A conference lasts 5 minutes to 8 hours."))


def _check_where(dial_in: str, room_url: str) -> None:
    require(
        bool(dial_in.strip() or room_url.strip()),
        _("Give a dial-in or a virtual room, so that the actors can join."),
    )
    if room_url:
        URLValidator(schemes=["http", "https"])(room_url)  # opened by people from the invitation


def _open(conference: Conference) -> Conference:
    """The conference locked, if its record may still change."""
    conference = (
        Conference.objects.select_for_update().select_related("incident").get(pk=conference.pk)
    )
    require(
        conference.is_open, _("The conference is closed or cancelled; it can no longer change.")
    )
    return conference


def _mark_held(conference: Conference) -> None:
    """The first thing recorded in a conference means it is being held."""
    if conference.state == Conference.State.PLANNED:
        conference.state = Conference.State.HELD
        conference.save(update_fields=["state"])


# --- Scheduling -----------------------------------------------------------------------------


@transaction.atomic(durable=True)
def conference_schedule(
    *,
    incident: Incident,
    by: Any,
    starts_at: datetime.datetime,
    forums: Iterable[Forum],
    duration_minutes: int = 30,
    dial_in: str = "",
    room_url: str = "",
    repeat_every_minutes: int | None = None,
    repeat_count: int = 1,
) -> list[Conference]:
    """Schedule a conference, or ``repeat_count`` of them every ``repeat_every_minutes`` (a
    rhythm); each is its own calendar event with its own invitation."""
    _require_coordinator(by)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    require(incident.is_active, _("The incident is not activated."))
    forums = list(forums)
    require(bool(forums), _("Choose at least one forum to invite."))
    activated = set(incident.activated_forums.values_list("pk", flat=True))
    require(
        all(f.pk in activated for f in forums),
        _("Invite only forums that the incident has activated."),
    )
    _check_when(starts_at, duration_minutes)
    _check_where(dial_in, room_url)
    require(
        1 <= repeat_count <= MAX_REPEATS,
        _("Schedule at most %(count)s conferences at a time.") % {"count": MAX_REPEATS},
    )
    if repeat_count > 1:
        require(
            repeat_every_minutes is not None
            and duration_minutes <= repeat_every_minutes <= 7 * 24 * 60,
            _("Repeat the conference at intervals no shorter than it lasts, at most a week."),
        )
    conferences = []
    for n in range(repeat_count):
        offset = datetime.timedelta(minutes=(repeat_every_minutes or 0) * n)
        conference = Conference.objects.create(
            incident=incident,
            starts_at=starts_at + offset,
            duration_minutes=duration_minutes,
            dial_in=dial_in.strip(),
            room_url=room_url.strip(),
            created_by=by,
        )
        conference.forums.set(forums)
        conferences.append(conference)
    if repeat_count > 1:
        text = _(
            "%(count)s coordination conferences scheduled every %(every)s minutes from %(when)s."
        ) % {"count": repeat_count, "every": repeat_every_minutes, "when": _when(starts_at)}
    else:
        text = _("Coordination conference scheduled %(when)s.") % {"when": _when(starts_at)}
    log(incident, by, "conference", text)
    for conference in conferences:
        notify.conference_changed(conference, event="invitation")
    return conferences


@transaction.atomic(durable=True)
def conference_reschedule(
    *,
    conference: Conference,
    by: Any,
    starts_at: datetime.datetime,
    duration_minutes: int,
    dial_in: str = "",
    room_url: str = "",
) -> Conference:
    """A new time or place: the invitees get an update that replaces the calendar event."""
    _require_coordinator(by)
    conference = _open(conference)
    require(
        conference.state == Conference.State.PLANNED,
        _("Only a conference that has not begun can be rescheduled."),
    )
    _check_when(starts_at, duration_minutes)
    _check_where(dial_in, room_url)
    changed = (
        conference.starts_at != starts_at
        or conference.duration_minutes != duration_minutes
        or conference.dial_in != dial_in.strip()
        or conference.room_url != room_url.strip()
    )
    if not changed:
        return conference
    before = conference.starts_at
    conference.starts_at = starts_at
    conference.duration_minutes = duration_minutes
    conference.dial_in = dial_in.strip()
    conference.room_url = room_url.strip()
    conference.sequence += 1
    conference.save(
        update_fields=["starts_at", "duration_minutes", "dial_in", "room_url", "sequence"]
    )
    log(
        conference.incident,
        by,
        "conference",
        _("Coordination conference %(before)s changed: now %(when)s.")
        % {"before": _when(before), "when": _when(starts_at)},
    )
    notify.conference_changed(conference, event="update")
    return conference


@transaction.atomic(durable=True)
def conference_cancel(*, conference: Conference, by: Any) -> Conference:
    _require_coordinator(by)
    conference = _open(conference)
    require(
        conference.state == Conference.State.PLANNED,
        _("Only a conference that has not begun can be cancelled."),
    )
    conference.state = Conference.State.CANCELLED
    conference.sequence += 1
    conference.save(update_fields=["state", "sequence"])
    log(
        conference.incident,
        by,
        "conference",
        _("Coordination conference %(when)s cancelled.") % {"when": _when(conference.starts_at)},
    )
    notify.conference_changed(conference, event="cancellation")
    return conference


# --- During the conference ------------------------------------------------------------------


def _involved_ids(conference: Conference) -> set[int]:
    return {a.pk for a in conference_selectors.involved_actors(conference)}


@transaction.atomic(durable=True)
def conference_attendance_record(
    *, conference: Conference, by: Any, present: dict[int, bool]
) -> int:
    """Record who took part: ``present`` maps actor ids to present (True) or absent (False);
    actors left out keep what was recorded."""
    _require_coordinator(by)
    conference = _open(conference)
    involved = _involved_ids(conference)
    require(set(present) <= involved, _("Record attendance only for the actors involved."))
    for actor_id, is_present in present.items():
        ConferenceAttendance.objects.update_or_create(
            conference=conference,
            actor_id=actor_id,
            defaults={"present": bool(is_present), "recorded_by": by},
        )
    if present:
        _mark_held(conference)
    return len(present)


@transaction.atomic(durable=True)
def status_round_entry_save(
    *,
    conference: Conference,
    by: Any,
    actor: Actor,
    situation: str,
    impact: str = "",
    needs: str = "",
) -> StatusRoundEntry:
    """An actor's turn in the status round, as spoken; it starts from the newest report."""
    _require_coordinator(by)
    conference = _open(conference)
    require(actor.pk in _involved_ids(conference), _("The actor is not involved."))
    require(impact in ("", *IMPACTS), _("Unknown impact level."))
    report = conference.incident.reports.filter(actor=actor).order_by("-version").only("pk").first()
    entry, _created = StatusRoundEntry.objects.update_or_create(
        conference=conference,
        actor=actor,
        defaults={
            "situation": situation.strip(),
            "impact": impact,
            "needs": needs.strip(),
            "from_report": report,
            "recorded_by": by,
        },
    )
    _mark_held(conference)
    return entry


@transaction.atomic(durable=True)
def conference_decision_add(*, conference: Conference, by: Any, text: str) -> ConferenceDecision:
    """Decisions are numbered in the order taken (under the conference's lock: no gaps, no
    duplicates)."""
    _require_coordinator(by)
    conference = _open(conference)
    require(bool(text.strip()), _("Write the decision."))
    last = conference.decisions.aggregate(last=Max("number"))["last"] or 0
    decision = ConferenceDecision.objects.create(
        conference=conference, number=last + 1, text=text.strip(), created_by=by
    )
    _mark_held(conference)
    return decision


@transaction.atomic(durable=True)
def conference_action_add(
    *,
    conference: Conference,
    by: Any,
    text: str,
    owner: Actor,
    due_at: datetime.datetime | None = None,
) -> ConferenceAction:
    _require_coordinator(by)
    conference = _open(conference)
    require(bool(text.strip()), _("Write the action."))
    require(owner is not None, _("Name the actor that owns the action."))
    action = ConferenceAction.objects.create(
        conference=conference, text=text.strip(), owner=owner, due_at=due_at, created_by=by
    )
    _mark_held(conference)
    return action


def may_mark_action(user: Any, action: ConferenceAction) -> bool:
    """The coordinator, or the people of the actor that owns the action."""
    if selectors.can_coordinate(user):
        return True
    return any(a.pk == action.owner_id for a in selectors.user_actors(user))


@transaction.atomic(durable=True)
def conference_action_set_done(
    *, action: ConferenceAction, by: Any, done: bool = True
) -> ConferenceAction:
    """Mark an action done (or not done after all). Allowed after the conference is closed:
    actions are followed up after it; the protocol keeps them as they stood at closing."""
    action = (
        ConferenceAction.objects.select_for_update()
        .select_related("conference__incident", "owner")
        .get(pk=action.pk)
    )
    require(
        may_mark_action(by, action),
        _("Only the RSIB on duty, the secretariat or the owner's people can do this."),
    )
    require(not action.conference.is_cancelled, _("The conference was cancelled."))
    require(action.is_done != done, _("The action already has this state."))
    action.done_at, action.done_by = (timezone.now(), by) if done else (None, None)
    action.save(update_fields=["done_at", "done_by"])
    text = (
        _("Conference action done (%(owner)s): %(text)s")
        if done
        else _("Conference action reopened (%(owner)s): %(text)s")
    )
    log(
        action.conference.incident,
        by,
        "conference_action",
        text % {"owner": action.owner.name, "text": action.text[:200]},
    )
    return action


# --- Closing --------------------------------------------------------------------------------


def _content(conference: Conference) -> dict:
    """What the protocol freezes: attendance, status round, decisions and actions."""
    actors = conference_selectors.involved_actors(conference)
    rows = conference_selectors.status_round(conference, actors)
    labels = dict(StatusRoundEntry._meta.get_field("impact").choices)
    return {
        "incident": conference.incident.title,
        "starts_at": conference.starts_at.isoformat(),
        "attendance": [
            {"actor": actor.name, "present": present}
            for actor, present in conference_selectors.attendance(conference, actors)
        ],
        "round": [
            {
                "actor": row.actor.name,
                "situation": row.situation,
                "impact": str(labels.get(row.impact, "")),
                "needs": row.needs,
                "source": row.source,
            }
            for row in rows
        ],
        "decisions": [
            {"number": d.number, "text": d.text} for d in conference.decisions.order_by("number")
        ],
        "actions": [
            {
                "text": a.text,
                "owner": a.owner.name,
                "due_at": a.due_at.isoformat() if a.due_at else "",
                "due": _when(a.due_at) if a.due_at else "",
                "done": a.done_at is not None,
            }
            for a in conference.actions.select_related("owner").order_by("due_at", "pk")
        ],
    }


@transaction.atomic(durable=True)
def conference_close(*, conference: Conference, by: Any) -> ConferenceProtocol:
    """Close the conference: its short protocol is written (append-only) and the incident log
    points to it. Nothing of the conference changes after this."""
    _require_coordinator(by)
    conference = _open(conference)
    now = timezone.now()
    require(conference.starts_at <= now, _("A conference is closed after it has begun."))
    content = _content(conference)
    with translation.override("sv"):
        text = render_to_string(
            "incidents/conferences/protocol.txt",
            {"conference": conference, "content": content, "closed_at": now},
        ).strip()
    entry = log(
        conference.incident,
        by,
        "conference_protocol",
        _(
            "Coordination conference %(when)s closed: %(present)s actors present, "
            "%(decisions)s decisions, %(actions)s actions. Protocol: %(url)s"
        )
        % {
            "when": _when(conference.starts_at),
            "present": sum(1 for a in content["attendance"] if a["present"]),
            "decisions": len(content["decisions"]),
            "actions": len(content["actions"]),
            "url": conference.get_absolute_url(),
        },
    )
    protocol = ConferenceProtocol.objects.create(
        conference=conference, content=content, text=text, log_entry=entry, created_by=by
    )
    conference.state = Conference.State.CLOSED
    conference.closed_at = now
    conference.save(update_fields=["state", "closed_at"])
    return protocol
