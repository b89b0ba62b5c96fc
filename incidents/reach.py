"""Every involved actor is reached, seats or not.

The involved actors of an incident are the actors of its activated forums' seats and the
affected municipalities chosen at activation (``selectors.expected_actors``). Seat holders are
alerted per seat (``alerts.alert_seats``). An actor none of whose people can be reached (its seat
is vacant, or nobody in it has an e-mail address or a mobile), one with no seat (an affected
municipality) and one whose people stay silent past the escalation time is alerted at its 24/7
address (``Actor.alert_email``/``alert_phone``: its duty officer or functional mailbox), with a
link that acknowledges on behalf of the actor. The acknowledgement board shows per actor whether
it was reached, by whom and how.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Actor, Person
from forums.selectors import forum_seats, resolve_seats
from notifications.models import Channel, Notification, channel_choices
from notifications.services import Outgoing, notifications_queue

from . import alerts, selectors
from .alerts import ReachState
from .crisis import crisis_changed
from .models import ActorAlert, ActorStatus, Incident, SeatAlert
from .timeline import log

DUTY_ACK_SALT = "incidents.actor-alert"


def duty_ack_token(alert: ActorAlert) -> str:
    return signing.dumps({"d": alert.pk}, salt=DUTY_ACK_SALT)


def read_duty_ack_token(token: str) -> int:
    """The actor alert's id; raises signing.SignatureExpired or BadSignature."""
    data = signing.loads(
        token, salt=DUTY_ACK_SALT, max_age=settings.ACKNOWLEDGEMENT_LINK_HOURS * 3600
    )
    return data["d"]


def _has_contact_path(assignment: Any) -> bool:
    person = assignment.person
    return bool(person.email or person.mobile)


def _activated_seats(incident: Incident) -> list:
    seats = []
    for forum in incident.activated_forums.all():
        seats.extend(s for s in forum_seats(forum) if s.applies_to("activated"))
    return resolve_seats(seats)


def _why(alert: ActorAlert, forums: str) -> str:
    actor = alert.actor.name
    if alert.reason == ActorAlert.Reason.NO_SEAT:
        return _("%(actor)s is involved in the incident as an affected actor.") % {"actor": actor}
    if alert.reason == ActorAlert.Reason.VACANT:
        return _("nobody in the seat of %(actor)s in %(forum)s can be reached.") % {
            "actor": actor,
            "forum": forums,
        }
    return _("nobody at %(actor)s has acknowledged the alert yet.") % {"actor": actor}


def _duty_messages(alert: ActorAlert, incident: Incident, *, forums: str) -> list[Outgoing]:
    """The activation alert to the actor's 24/7 address: e-mail and SMS, each to the address
    kept in the alert. Keyed by the alert, so sending again sends nothing new."""
    ack_url = settings.SITE_URL + reverse("incidents:acknowledge", args=[duty_ack_token(alert)])
    reason = _(
        "You get this as the 24/7 alert address (%(label)s) of %(actor)s: %(why)s "
        "Acknowledge on behalf of %(actor)s with the link."
    ) % {
        "label": alert.label or _("duty address"),
        "actor": alert.actor.name,
        "why": _why(alert, forums),
    }
    subject, body, html, sms = alerts.activation_message(
        incident, forum_name=forums, ack_url=ack_url, reason=reason
    )
    common = {
        "recipient": None,
        "kind": "activation_alert",
        "subject": subject,
        "body": body,
        "html": html,
        "sms": sms,
        "reason": reason,
        "link": incident.get_absolute_url(),
        "key": f"actor-alert:{alert.pk}",
        "about": alert,
    }
    messages = []
    if alert.email:
        messages.append(Outgoing(**common, channels=(Channel.EMAIL,), address=alert.email))
    if alert.phone:
        messages.append(Outgoing(**common, channels=(Channel.SMS,), address=alert.phone))
    return messages


def _alert_actors(incident: Incident, wanted: Iterable[tuple[Actor, str, str]]) -> list[ActorAlert]:
    """Create the actor alerts not yet made (one per incident and actor) and send them."""
    wanted = list(wanted)
    have = set(
        incident.actor_alerts.filter(actor__in=[a for a, _r, _f in wanted]).values_list(
            "actor_id", flat=True
        )
    )
    created, messages = [], []
    for actor, reason, forums in wanted:
        if actor.pk in have:
            continue
        try:
            with transaction.atomic():
                alert = ActorAlert.objects.create(
                    incident=incident,
                    actor=actor,
                    reason=reason,
                    label=actor.alert_label,
                    email=actor.alert_email,
                    phone=actor.alert_phone,
                )
        except IntegrityError:
            continue  # a run at the same time alerted it (one alert per incident and actor)
        created.append(alert)
        messages.extend(_duty_messages(alert, incident, forums=forums))
    notifications_queue(messages)
    return created


def alert_duty_addresses(incident: Incident) -> int:
    """At activation (and when forums are added): alert at its 24/7 address every involved actor
    that no seat alert can reach: no seat in the activated forums (an affected municipality), or
    seats whose holders (deputies when there is no holder) have neither e-mail nor mobile."""
    seat_forums: dict[int, list[str]] = defaultdict(list)
    reachable: set[int] = set()
    for resolved in _activated_seats(incident):
        if resolved.actor is None:
            continue
        seat_forums[resolved.actor.pk].append(resolved.seat.forum.current_name)
        if any(_has_contact_path(a) for a in alerts._people_for(resolved, deputies=False)):
            reachable.add(resolved.actor.pk)
    all_forums = ", ".join(f.current_name for f in incident.activated_forums.all())
    wanted = []
    for actor in selectors.expected_actors(incident):
        if actor.pk in reachable:
            continue
        if actor.pk in seat_forums:
            forums = ", ".join(dict.fromkeys(seat_forums[actor.pk]))
            wanted.append((actor, ActorAlert.Reason.VACANT, forums))
        else:
            wanted.append((actor, ActorAlert.Reason.NO_SEAT, all_forums))
    return len(_alert_actors(incident, wanted))


def alert_silent_actors(escalated: Iterable[SeatAlert]) -> int:
    """Escalation: actors whose seat alerts went unacknowledged past the escalation time are
    alerted at their 24/7 address too, unless one of their seats was acknowledged meanwhile."""
    by_incident: dict[int, list[SeatAlert]] = defaultdict(list)
    for alert in escalated:
        if alert.actor_id:
            by_incident[alert.incident_id].append(alert)
    created = 0
    for silent in by_incident.values():
        incident = silent[0].incident
        acknowledged = set(
            incident.alerts.filter(acknowledged_at__isnull=False).values_list("actor_id", flat=True)
        )
        forums: dict[int, list[str]] = defaultdict(list)
        actors: dict[int, Actor] = {}
        for alert in silent:
            if alert.actor_id in acknowledged:
                continue
            forums[alert.actor_id].append(alert.seat.forum.current_name)
            actors.setdefault(alert.actor_id, alert.actor)
        created += len(
            _alert_actors(
                incident,
                [
                    (actor, ActorAlert.Reason.SILENT, ", ".join(dict.fromkeys(forums[pk])))
                    for pk, actor in actors.items()
                ],
            )
        )
    return created


@transaction.atomic
def acknowledge_duty(
    *, alert: ActorAlert, via: str, person: Person | None = None, name: str = ""
) -> bool:
    """Record the first acknowledgement of an actor alert, on behalf of the actor; False if it
    was already acknowledged. The actor's status moves to acknowledged."""
    from .statuses import actor_status_advance

    updated = ActorAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(),
        acknowledged_by=person,
        acknowledged_name=name.strip()[:100],
        acknowledged_via=via,
    )
    if not updated:
        return False
    user = person.user if person is not None else None
    crisis_changed()  # update() sends no signal: the start pages' steps
    ActorAlert.history.bulk_history_create(
        list(ActorAlert.objects.filter(pk=alert.pk)), update=True, default_user=user
    )
    who = person.full_name if person is not None else (name.strip() or alert.label or "–")
    log(
        alert.incident,
        user,
        "acknowledgement",
        _("%(person)s acknowledged the alert for %(actor)s at its 24/7 address.")
        % {"person": who, "actor": alert.actor.name},
    )
    actor_status_advance(
        incident=alert.incident, actor=alert.actor, to=ActorStatus.Status.ACKNOWLEDGED, by=user
    )
    return True


def acknowledge_in_portal(*, incident: Incident, person: Person, actors: Iterable[Actor]) -> int:
    """Someone who speaks for an actor acknowledges its 24/7 alert in the portal."""
    count = 0
    for alert in incident.actor_alerts.filter(
        acknowledged_at__isnull=True, actor__in=list(actors)
    ).select_related("actor", "incident"):
        count += acknowledge_duty(alert=alert, via=ActorAlert.Via.PORTAL, person=person)
    return count


# --- The board, per actor -------------------------------------------------------------------


@dataclass
class ActorReach:
    """One involved actor on the acknowledgement board."""

    actor: Actor
    state: ReachState = ReachState.UNREACHABLE
    acknowledged_at: datetime.datetime | None = None
    acknowledged_by: str = ""
    acknowledged_how: str = ""
    # Who a message reached (sent) and on which channels: [(who, "E-post, SMS"), …].
    delivered: list[tuple[str, str]] = field(default_factory=list)
    duty: ActorAlert | None = None
    seats: list[dict] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        return self.state in (ReachState.DELIVERED, ReachState.ACKNOWLEDGED)


@dataclass
class Board:
    actors: list[ActorReach]
    seats: list[dict]

    @property
    def reached(self) -> int:
        return sum(1 for row in self.actors if row.reached)

    @property
    def not_reached(self) -> int:
        return len(self.actors) - self.reached

    @property
    def acknowledged(self) -> int:
        return sum(1 for row in self.actors if row.state == ReachState.ACKNOWLEDGED)


def _notifications(seat_alerts: list[SeatAlert], actor_alerts: list[ActorAlert]) -> list[dict]:
    """What was sent for the incident's alerts (not the inbox), in one query."""
    wanted = Q(content_type__model="seatalert", object_id__in=[a.pk for a in seat_alerts]) | Q(
        content_type__model="actoralert", object_id__in=[a.pk for a in actor_alerts]
    )
    return list(
        Notification.objects.filter(content_type__app_label="incidents")
        .filter(wanted)
        .exclude(channel=Channel.PORTAL)
        .values(
            "content_type__model",
            "object_id",
            "channel",
            "status",
            "recipient__first_name",
            "recipient__last_name",
        )
        .order_by("pk")
    )


def actor_board(incident: Incident) -> Board:
    """Per involved actor: reached or not, by whom and how (a seat holder's e-mail link, SMS or
    the portal, or the 24/7 address), with its seats under it. A constant number of queries."""
    seat_rows = alerts.board(incident)
    actor_alerts = {
        a.actor_id: a for a in incident.actor_alerts.select_related("actor", "acknowledged_by")
    }
    channel_labels = dict(channel_choices())
    sent: dict[tuple[str, int], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    states: dict[tuple[str, int], set[str]] = defaultdict(set)
    for row in _notifications([r["alert"] for r in seat_rows], list(actor_alerts.values())):
        key = (row["content_type__model"], row["object_id"])
        states[key].add(row["status"])
        if row["status"] == Notification.Status.SENT:
            who = f"{row['recipient__first_name'] or ''} {row['recipient__last_name'] or ''}"
            sent[key][who.strip()].append(str(channel_labels.get(row["channel"], row["channel"])))
    rows: dict[int, ActorReach] = {
        actor.pk: ActorReach(actor=actor) for actor in selectors.expected_actors(incident)
    }
    for seat_row in seat_rows:
        alert = seat_row["alert"]
        if alert.actor_id is None:
            continue
        if alert.actor_id not in rows:
            rows[alert.actor_id] = ActorReach(actor=alert.actor)
        reach = rows[alert.actor_id]
        reach.seats.append(seat_row)
        _take(reach, seat_row["state"])
        if alert.acknowledged_at and (
            reach.acknowledged_at is None or alert.acknowledged_at < reach.acknowledged_at
        ):
            reach.acknowledged_at = alert.acknowledged_at
            reach.acknowledged_by = alert.acknowledged_by.full_name if alert.acknowledged_by else ""
            reach.acknowledged_how = _("%(via)s, seat holder") % {
                "via": alert.get_acknowledged_via_display()
            }
        for who, channels in sent[("seatalert", alert.pk)].items():
            reach.delivered.append((who, ", ".join(dict.fromkeys(channels))))
    for actor_id, duty in actor_alerts.items():
        if actor_id not in rows:
            rows[actor_id] = ActorReach(actor=duty.actor)
        reach = rows[actor_id]
        reach.duty = duty
        key = ("actoralert", duty.pk)
        if duty.acknowledged_at:
            state = ReachState.ACKNOWLEDGED
        elif Notification.Status.SENT in states[key]:
            state = ReachState.DELIVERED
        elif states[key] - {Notification.Status.UNREACHABLE}:
            state = ReachState.ALERTED
        else:
            state = ReachState.UNREACHABLE
        _take(reach, state)
        if duty.acknowledged_at and (
            reach.acknowledged_at is None or duty.acknowledged_at < reach.acknowledged_at
        ):
            reach.acknowledged_at = duty.acknowledged_at
            reach.acknowledged_by = duty.acknowledged_who
            reach.acknowledged_how = _("%(via)s, 24/7 address") % {
                "via": duty.get_acknowledged_via_display()
            }
        channels = [c for names in sent[key].values() for c in names]
        if channels:
            label = duty.label or _("24/7 address")
            reach.delivered.append((label, ", ".join(dict.fromkeys(channels))))
    ordered = sorted(rows.values(), key=lambda r: (r.reached, r.actor.name))
    return Board(actors=ordered, seats=seat_rows)


_RANK = {
    ReachState.UNREACHABLE: 0,
    ReachState.ALERTED: 1,
    ReachState.DELIVERED: 2,
    ReachState.ACKNOWLEDGED: 3,
}


def _take(reach: ActorReach, state: str) -> None:
    """An actor is as far as its furthest alert: one acknowledged seat acknowledges it."""
    state = ReachState(state)
    if _RANK[state] > _RANK[reach.state]:
        reach.state = state
