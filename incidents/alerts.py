"""What activated mode sends: activation alerts with acknowledgement and escalation, report
reminders, new pictures, directions and joint messages. Rendered here, sent by the outbox."""

import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.models import Person
from forums.models import Seat
from forums.selectors import forum_seats, resolve_seats
from notifications.models import Channel, Notification
from notifications.services import Outgoing, notifications_queue, render_message

from . import selectors
from .models import (
    Direction,
    Incident,
    JointMessage,
    OnCallRole,
    SeatAlert,
    SituationPicture,
)
from .roster.selectors import on_duty
from .timeline import log

ACK_SALT = "incidents.seat-alert"
ALL_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.PORTAL)


def _reason(role_label: str, function: str, actor: str, forum: str) -> str:
    return _(
        "You get this because you are %(role)s for %(function)s of %(actor)s in %(forum)s."
    ) % {
        "role": role_label,
        "function": function,
        "actor": actor,
        "forum": forum,
    }


def ack_token(alert: SeatAlert, person: Person) -> str:
    return signing.dumps({"a": alert.pk, "p": person.pk}, salt=ACK_SALT)


def read_ack_token(token: str) -> tuple[int, int]:
    """(alert id, person id); raises signing.SignatureExpired or BadSignature."""
    data = signing.loads(token, salt=ACK_SALT, max_age=settings.ACKNOWLEDGEMENT_LINK_HOURS * 3600)
    return data["a"], data["p"]


def _people_for(resolved, *, deputies: bool) -> list:
    people = list(resolved.holders)
    if deputies or not people:
        people += resolved.deputies
    return people


def _alert_messages(alert: SeatAlert, resolved, incident: Incident, *, deputies: bool, wave: int):
    forum = resolved.seat.forum
    for assignment in _people_for(resolved, deputies=deputies):
        person = assignment.person
        ack_url = settings.SITE_URL + reverse(
            "incidents:acknowledge", args=[ack_token(alert, person)]
        )
        reason = _reason(
            assignment.get_role_display().lower(),
            resolved.seat.function.name,
            resolved.actor.name,
            forum.name,
        )
        context = {
            "incident": incident,
            "forum_name": forum.current_name,
            "ack_url": ack_url,
            "incident_url": settings.SITE_URL + incident.get_absolute_url(),
            "reason": reason,
        }
        subject, body, html = render_message("email/activation", context)
        prefix = _("EXERCISE") + " " if incident.is_exercise else ""
        sms = _(
            "%(prefix)sSSR: joint mode activated (%(title)s), you are summoned in %(forum)s. "
            "Acknowledge: %(url)s"
        ) % {
            "prefix": prefix,
            "title": incident.title[:40],
            "forum": forum.current_name,
            "url": ack_url,
        }
        yield Outgoing(
            recipient=person,
            kind="activation_alert",
            subject=subject,
            body=body,
            html=html,
            sms=sms,
            reason=reason,
            link=incident.get_absolute_url(),
            key=f"alert:{alert.pk}:w{wave}",
            about=alert,
            channels=ALL_CHANNELS,
        )


def alert_seats(incident: Incident) -> int:
    """Create a SeatAlert for every seat of the activated forums not yet alerted and alert its
    holders (its deputies when it has no holder)."""
    seats = []
    for forum in incident.activated_forums.all():
        seats.extend(s for s in forum_seats(forum) if s.applies_to("activated"))
    have = set(incident.alerts.values_list("seat_id", flat=True))
    messages = []
    created = 0
    for resolved in resolve_seats(seats):
        if resolved.seat.pk in have:
            continue
        alert = SeatAlert.objects.create(
            incident=incident, seat=resolved.seat, actor=resolved.actor
        )
        created += 1
        if resolved.actor:
            messages.extend(_alert_messages(alert, resolved, incident, deputies=False, wave=1))
    notifications_queue(messages)
    return created


@transaction.atomic
def acknowledge(*, alert: SeatAlert, person: Person, via: str) -> bool:
    """Record the first acknowledgement of a seat; False if it was already acknowledged."""
    updated = SeatAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=person, acknowledged_via=via
    )
    if updated:
        _history(SeatAlert.objects.filter(pk=alert.pk), person.user)
        log(
            alert.incident,
            person.user,
            "acknowledgement",
            _("%(person)s acknowledged the alert for %(actor)s.")
            % {"person": person.full_name, "actor": alert.actor.name if alert.actor else "–"},
        )
    return bool(updated)


def escalate(*, now: datetime.datetime | None = None) -> int:
    """Wave 2 for seats silent past their forum's escalation time (holders again and deputies);
    after as long again, tell the RSIB on duty which seats are still silent."""
    now = now or timezone.now()
    escalated = 0
    alerts = (
        SeatAlert.objects.filter(
            acknowledged_at__isnull=True, incident__status=Incident.Status.ACTIVATED
        )
        .filter(Q(wave=1) | Q(rsib_told_at__isnull=True))
        .select_related("incident", "seat__forum", "seat__function", "seat__actor", "seat__cluster")
    )
    silent_by_incident: dict[int, list[SeatAlert]] = {}
    for alert in alerts:
        window = datetime.timedelta(minutes=alert.seat.forum.escalation_minutes)
        if alert.wave == 1 and now - alert.alerted_at >= window:
            [resolved] = resolve_seats([alert.seat])
            if resolved.actor:
                notifications_queue(
                    _alert_messages(alert, resolved, alert.incident, deputies=True, wave=2)
                )
            SeatAlert.objects.filter(pk=alert.pk).update(wave=2, escalated_at=now)
            _history(SeatAlert.objects.filter(pk=alert.pk), None)
            escalated += 1
        elif alert.wave == 2 and alert.escalated_at and now - alert.escalated_at >= window:
            silent_by_incident.setdefault(alert.incident_id, []).append(alert)
    for silent in silent_by_incident.values():
        _tell_rsib(silent[0].incident, silent, now)
        told = SeatAlert.objects.filter(pk__in=[a.pk for a in silent])
        told.update(rsib_told_at=now)
        _history(told, None)
    return escalated


def _history(alerts: Any, user: Any) -> None:
    """Conditional updates (first acknowledgement wins) bypass save(); record them in history."""
    SeatAlert.history.bulk_history_create(list(alerts), update=True, default_user=user)


def _tell_rsib(incident: Incident, silent: list[SeatAlert], now: datetime.datetime) -> None:
    shift = on_duty(now).get(OnCallRole.RSIB)
    if shift is None:
        return
    names = ", ".join(
        f"{a.seat.holder_label} ({a.seat.function.name}, {a.seat.forum.name})" for a in silent
    )
    text = _("Still no acknowledgement after escalation: %(seats)s.") % {"seats": names}
    notifications_queue(
        [
            Outgoing(
                recipient=shift.person,
                kind="activation_alert",
                subject=_("Silent seats in %(incident)s") % {"incident": incident.title},
                body=text,
                sms=text[:300],
                reason=_("You are the RSIB on duty."),
                link=reverse("incidents:board", args=[incident.pk]),
                key=f"silent:{incident.pk}:{now:%Y%m%d%H%M}",
                about=incident,
                channels=ALL_CHANNELS,
            )
        ]
    )


class ReachState(models.TextChoices):
    """How far an alert has come, as the acknowledgement board shows it."""

    ALERTED = "alerted", gettext_lazy("Alerted")
    DELIVERED = "delivered", gettext_lazy("Delivered")
    ACKNOWLEDGED = "acknowledged", gettext_lazy("Acknowledged")
    UNREACHABLE = "unreachable", gettext_lazy("Unreachable")

    @property
    def tag(self) -> str:
        """The CSS modifier of the state's tag."""
        tags = {"acknowledged": "tag--ok", "unreachable": "tag--alert", "alerted": "tag--muted"}
        return tags.get(self.value, "")


def board(incident: Incident) -> list[dict]:
    """Per seat: alerted, delivered, acknowledged (when, by whom, how) or unreachable."""
    alerts = list(
        incident.alerts.select_related(
            "seat__forum",
            "seat__function",
            "seat__cluster",
            "seat__actor",
            "actor",
            "acknowledged_by",
        )
    )
    statuses: dict[int, set[str]] = {}
    for alert_id, status in (
        Notification.objects.filter(
            content_type__app_label="incidents",
            content_type__model="seatalert",
            object_id__in=[a.pk for a in alerts],
        )
        .exclude(channel=Channel.PORTAL)
        .values_list("object_id", "status")
    ):
        statuses.setdefault(alert_id, set()).add(status)
    rows = []
    for alert in alerts:
        sent = statuses.get(alert.pk, set())
        if alert.acknowledged_at:
            state = ReachState.ACKNOWLEDGED
        elif not sent or sent <= {Notification.Status.UNREACHABLE}:
            state = ReachState.UNREACHABLE  # nobody holds the seat, or nobody has a contact path
        elif Notification.Status.SENT in sent:
            state = ReachState.DELIVERED
        else:
            state = ReachState.ALERTED
        rows.append({"alert": alert, "state": state})
    return rows


def _activated_forum_people(incident: Incident):
    seats = []
    for forum in incident.activated_forums.all():
        seats.extend(forum_seats(forum))
    seen = {}
    for resolved in resolve_seats(seats):
        for assignment in resolved.people:
            seen.setdefault(
                assignment.person_id,
                (
                    assignment.person,
                    _reason(
                        assignment.get_role_display().lower(),
                        resolved.seat.function.name,
                        resolved.actor.name,
                        resolved.seat.forum.name,
                    ),
                ),
            )
    return seen.values()


def _other_forum_people(incident: Incident):
    """Indirectly affected: seat holders of the active forums that were not activated."""
    activated = set(incident.activated_forums.values_list("pk", flat=True))
    seats = list(
        Seat.objects.filter(forum__is_active=True)
        .exclude(forum_id__in=activated)
        .select_related("actor", "cluster", "function", "forum")
    )
    seen = {}
    for resolved in resolve_seats(seats):
        for assignment in resolved.holders:
            seen.setdefault(
                assignment.person_id,
                (
                    assignment.person,
                    _("You get the short version because you hold a seat in %(forum)s.")
                    % {"forum": resolved.seat.forum.name},
                ),
            )
    return seen.values()


def picture_published(picture: SituationPicture) -> None:
    incident = picture.incident
    people = (
        _activated_forum_people(incident)
        if picture.audience == SituationPicture.Audience.FULL
        else _other_forum_people(incident)
    )
    subject = _("New situation picture (version %(version)s): %(title)s") % {
        "version": picture.version,
        "title": incident.title,
    }
    link = reverse("incidents:picture", args=[incident.pk])
    notifications_queue(
        Outgoing(
            recipient=person,
            kind="picture_published",
            subject=subject,
            body=picture.summary,
            reason=reason,
            link=link,
            key=f"picture:{picture.pk}",
            about=picture,
        )
        for person, reason in people
    )


def direction_issued(direction: Direction) -> None:
    incident = direction.incident
    subject = _("Direction in %(title)s: acknowledge receipt") % {"title": incident.title}
    link = incident.get_absolute_url()
    notifications_queue(
        Outgoing(
            recipient=person,
            kind="direction_issued",
            subject=subject,
            body=direction.text
            + "\n\n"
            + _("Acknowledge receipt for your actor in the portal:")
            + "\n"
            + settings.SITE_URL
            + link,
            reason=reason,
            link=link,
            key=f"direction:{direction.pk}",
            about=direction,
            channels=(Channel.EMAIL, Channel.SMS, Channel.PORTAL),
            sms=_("SSR: new direction in %(title)s. Acknowledge in the portal: %(url)s")
            % {"title": incident.title[:40], "url": settings.SITE_URL + link},
        )
        for person, reason in _activated_forum_people(incident)
    )


def message_approved(message: JointMessage) -> None:
    incident = message.incident
    notifications_queue(
        Outgoing(
            recipient=person,
            kind="joint_message_approved",
            subject=_("Joint message approved for %(group)s") % {"group": message.target_group},
            body=message.text
            + "\n\n"
            + _("The message and the situation in the portal:")
            + "\n"
            + settings.SITE_URL
            + incident.get_absolute_url(),
            reason=reason,
            link=incident.get_absolute_url(),
            key=f"message:{message.pk}",
            about=message,
        )
        for person, reason in _activated_forum_people(incident)
    )


def remind_overdue(*, now: datetime.datetime | None = None) -> int:
    """Remind actors overdue with their report: their function holders first, deputies after
    another rhythm without a report."""
    now = now or timezone.now()
    sent = 0
    for incident in Incident.objects.filter(status=Incident.Status.ACTIVATED):
        rhythm = datetime.timedelta(minutes=incident.reporting_interval_minutes)
        overdue = {
            row.actor.pk: row
            for row in selectors.reporting_overview(incident, now=now)
            if row.overdue
        }
        if not overdue:
            continue
        seats = []
        for forum in incident.activated_forums.all():
            seats.extend(forum_seats(forum))
        for resolved in resolve_seats(seats):
            row = overdue.get(resolved.actor.pk) if resolved.actor else None
            if row is None:
                continue
            since = row.report.submitted_at if row.report else incident.activated_at
            periods = int((now - since) / rhythm)
            deputies = periods >= 2
            messages = [
                Outgoing(
                    recipient=a.person,
                    kind="report_reminder",
                    subject=_("Situation report overdue: %(actor)s")
                    % {"actor": resolved.actor.name},
                    body=_("%(actor)s has not reported in %(title)s for %(minutes)s minutes.")
                    % {
                        "actor": resolved.actor.name,
                        "title": incident.title,
                        "minutes": int((now - since).total_seconds() // 60),
                    },
                    reason=_reason(
                        a.get_role_display().lower(),
                        resolved.seat.function.name,
                        resolved.actor.name,
                        resolved.seat.forum.name,
                    ),
                    link=reverse("incidents:report_create", args=[incident.pk]),
                    key=f"reminder:{incident.pk}:{resolved.actor.pk}:{since:%Y%m%d%H%M}:{periods}",
                    about=incident,
                    channels=(Channel.EMAIL, Channel.SMS, Channel.PORTAL),
                    sms=_("SSR: %(actor)s is overdue with its situation report in %(title)s.")
                    % {"actor": resolved.actor.name, "title": incident.title[:40]},
                )
                for a in (resolved.holders + (resolved.deputies if deputies else []))
            ]
            sent += len(notifications_queue(messages))
    return sent


def acknowledge_in_portal(*, incident: Incident, user: Any) -> int:
    """A seat holder acknowledges in the portal every unacknowledged alert of their seats."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        return 0
    count = 0
    for alert in incident.alerts.filter(acknowledged_at__isnull=True).select_related("seat"):
        [resolved] = resolve_seats([alert.seat])
        if any(a.person_id == person.pk for a in resolved.people):
            count += acknowledge(alert=alert, person=person, via=SeatAlert.Via.PORTAL)
    return count
