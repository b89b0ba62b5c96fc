"""What activated mode sends: activation alerts with acknowledgement and escalation, report
reminders, new pictures, directions and joint messages. Rendered here, sent by the outbox."""

import datetime
from typing import Any

from django import dispatch as django_signals
from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.models import Actor, Assignment, Person
from actors.selectors import current_assignments_q
from forums.models import Seat
from forums.selectors import forum_seats, resolve_seats
from notifications.channels.sms import MAX_LENGTH as SMS_MAX_LENGTH
from notifications.models import Channel, Notification
from notifications.services import Outgoing, notifications_queue, render_message

from . import selectors
from .crisis import crisis_changed
from .models import (
    ActorStatus,
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


# Told to the actor-level alerting (incidents.reach), which builds on this module.
seats_escalated = django_signals.Signal()  # alerts: the seat alerts just escalated
acknowledged_in_portal = django_signals.Signal()  # incident, person, actors; answers a count


def seat_reason(role_label: str, function: str, actor: str, forum: str) -> str:
    """Why a seat's holder or deputy gets a message about the incident."""
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


def _rsib_contact(incident: Incident) -> Person | None:
    """Whom the alerted call: the activating person if they are the RSIB on duty, else the RSIB
    on duty now, else the activating person (the secretariat activated in a roster gap)."""
    activator = Person.objects.filter(user_id=incident.activated_by_id).first()
    shift = on_duty().get(OnCallRole.RSIB)
    if shift is None or (activator and activator.pk == shift.person_id):
        return activator
    return shift.person


def _local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def activation_facts(incident: Incident) -> dict[str, Any]:
    """What every activation alert of an incident tells, read once per incident object (the
    alert to each seat holder and to each actor's 24/7 address say the same). The forums are
    prefetched: changing them (``activated_forums.set``) drops the prefetch, and the facts are
    read again."""
    prefetch_related_objects([incident], "activated_forums")
    forums = incident._prefetched_objects_cache["activated_forums"]
    cached = getattr(incident, "_activation_facts", None)
    if cached is not None and cached[0] is forums:
        return cached[1]
    signal = incident.from_signal if incident.from_signal_id else None
    rsib = _rsib_contact(incident)
    facts = {
        "incident": incident,
        "what": signal.what if signal else "",
        "event_type": incident.event_type.name if incident.event_type_id else "",
        "forums": [f.current_name for f in forums],
        "meets_at": _local(incident.meets_at) if incident.meets_at else "",
        "meeting_place": incident.meeting_place,
        "meeting_link": incident.meeting_link,
        "rsib_name": rsib.full_name if rsib else "",
        "rsib_phone": rsib.mobile if rsib else "",
        "incident_url": settings.SITE_URL + incident.get_absolute_url(),
    }
    incident._activation_facts = (forums, facts)
    return facts


def _fit_sms(head: str, tail: str) -> str:
    """Head shortened (never the tail, which carries the phone and the link) to fit one SMS;
    "..." rather than an ellipsis character, which would take the SMS out of the GSM alphabet."""
    room = SMS_MAX_LENGTH - len(tail)
    if len(head) > room:
        head = head[: max(room - 3, 0)].rstrip() + "..."
    return head + tail


def activation_sms(facts: dict[str, Any], *, forum_name: str, ack_url: str) -> str:
    """The SMS of the activation alert: title, forum, meeting, the RSIB's phone and the link."""
    incident = facts["incident"]
    where = facts["meeting_place"] or facts["meeting_link"]
    if facts["meets_at"] or where:
        meeting = _("Meeting: %(when)s, %(where)s.") % {
            "when": facts["meets_at"] or _("time to be announced"),
            "where": where or _("place to be announced"),
        }
    else:
        meeting = _("Time and place to be announced.")
    head = _("%(prefix)sSSR: joint mode activated: %(title)s. You are summoned in %(forum)s. ") % {
        "prefix": _("EXERCISE") + " " if incident.is_exercise else "",
        "title": incident.title[:80],
        "forum": forum_name,
    }
    contact = " ".join(filter(None, [facts["rsib_name"], facts["rsib_phone"]]))
    rsib = _(" RSIB: %(contact)s.") % {"contact": contact} if contact else ""
    tail = rsib + " " + _("Acknowledge: %(url)s") % {"url": ack_url}
    return _fit_sms(head + meeting, tail)


def activation_message(
    incident: Incident, *, forum_name: str, ack_url: str, reason: str
) -> tuple[str, str, str, str]:
    """(subject, text, html, sms) of the activation alert to one recipient."""
    facts = activation_facts(incident)
    context = {**facts, "forum_name": forum_name, "ack_url": ack_url, "reason": reason}
    subject, body, html = render_message("email/activation", context)
    return subject, body, html, activation_sms(facts, forum_name=forum_name, ack_url=ack_url)


def _alert_messages(alert: SeatAlert, resolved, incident: Incident, *, deputies: bool, wave: int):
    forum = resolved.seat.forum
    for assignment in _people_for(resolved, deputies=deputies):
        person = assignment.person
        ack_url = settings.SITE_URL + reverse(
            "incidents:acknowledge", args=[ack_token(alert, person)]
        )
        reason = seat_reason(
            assignment.get_role_display().lower(),
            resolved.seat.function.name,
            resolved.actor.name,
            forum.name,
        )
        subject, body, html, sms = activation_message(
            incident, forum_name=forum.current_name, ack_url=ack_url, reason=reason
        )
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
        crisis_changed()  # update() sends no signal: the start pages' steps
        _history(SeatAlert.objects.filter(pk=alert.pk), person.user)
        log(
            alert.incident,
            person.user,
            "acknowledgement",
            _("%(person)s acknowledged the alert for %(actor)s.")
            % {"person": person.full_name, "actor": alert.actor.name if alert.actor else "–"},
        )
        if alert.actor_id:
            from .statuses import actor_status_advance

            actor_status_advance(
                incident=alert.incident,
                actor=alert.actor,
                to=ActorStatus.Status.ACKNOWLEDGED,
                by=person.user,
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
        .select_related(
            "incident", "actor", "seat__forum", "seat__function", "seat__actor", "seat__cluster"
        )
    )
    silent_by_incident: dict[int, list[SeatAlert]] = {}
    wave_two: list[SeatAlert] = []
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
            wave_two.append(alert)
            escalated += 1
        elif alert.wave == 2 and alert.escalated_at and now - alert.escalated_at >= window:
            silent_by_incident.setdefault(alert.incident_id, []).append(alert)
    for silent in silent_by_incident.values():
        _tell_rsib(silent[0].incident, silent, now)
        told = SeatAlert.objects.filter(pk__in=[a.pk for a in silent])
        told.update(rsib_told_at=now)
        _history(told, None)
    if wave_two:  # and the silent actors' 24/7 addresses (incidents.reach listens)
        seats_escalated.send(sender=SeatAlert, alerts=wave_two)
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
                    seat_reason(
                        assignment.get_role_display().lower(),
                        resolved.seat.function.name,
                        resolved.actor.name,
                        resolved.seat.forum.name,
                    ),
                ),
            )
    # The affected municipalities are involved too, seat or not: their people get it as well.
    for person, municipality in selectors.municipality_people(incident):
        seen.setdefault(
            person.pk,
            (
                person,
                _("You get this because %(actor)s is an affected municipality in %(title)s.")
                % {"actor": municipality.name, "title": incident.title},
            ),
        )
    return seen.values()


def _indirectly_affected(incident: Incident) -> list[tuple[Person | None, str, str]]:
    """(person, e-mail address, reason) for the short version of the picture.

    Directly affected are the incident's involved actors: those with a seat in its activated
    forums and the affected municipalities. Indirectly affected (seed 003 §2.4: the picture
    reaches everyone, adapted to the target group) are the other actors of the network: the
    members today and any actor holding a seat in an active forum. Each is reached once, as an
    actor: at its 24/7 alert e-mail when it has one, else through the people holding its
    forum-seat functions (a municipality's cluster seat function included)."""
    today = timezone.localdate()
    involved = {a.pk for a in selectors.expected_actors(incident)}
    involved |= set(incident.affected_municipalities.values_list("pk", flat=True))
    seats = Seat.objects.filter(forum__is_active=True)
    seat_functions = set(seats.values_list("function_id", flat=True))
    seated = set(seats.exclude(actor=None).values_list("actor_id", flat=True))
    members = (
        Q(member_since__isnull=True) | Q(member_since__lte=today),
        Q(member_until__isnull=True) | Q(member_until__gte=today),
    )
    actors = list(
        Actor.objects.filter(Q(*members) | Q(pk__in=seated))
        .exclude(pk__in=involved)
        .order_by("name")
    )
    recipients: list[tuple[Person | None, str, str]] = []
    by_people = []
    for actor in actors:
        if actor.alert_email:
            reason = _(
                "You get the short version of the situation picture at %(actor)s's 24/7 alert "
                "address: %(actor)s is indirectly affected."
            ) % {"actor": actor.name}
            recipients.append((None, actor.alert_email, reason))
        else:
            by_people.append(actor.pk)
    seen: set[int] = set()
    for assignment in (
        Assignment.objects.filter(
            current_assignments_q(today),
            role=Assignment.Role.HOLDER,
            actor_function__actor_id__in=by_people,
            actor_function__function_id__in=seat_functions,
        )
        .select_related("person", "actor_function__actor", "actor_function__function")
        .order_by("actor_function__actor__name", "person__last_name")
    ):
        if assignment.person_id in seen:
            continue
        seen.add(assignment.person_id)
        reason = _(
            "You get the short version of the situation picture because you are %(function)s of "
            "%(actor)s, an indirectly affected actor."
        ) % {
            "function": assignment.actor_function.function.name,
            "actor": assignment.actor_function.actor.name,
        }
        recipients.append((assignment.person, "", reason))
    return recipients


def picture_published(picture: SituationPicture) -> None:
    """The full version to the activated forums with a link to the picture page; the short
    version, whole in the message, to the indirectly affected (they cannot open the incident)."""
    incident = picture.incident
    full = picture.audience == SituationPicture.Audience.FULL
    subject = _("New situation picture (version %(version)s): %(title)s") % {
        "version": picture.version,
        "title": incident.title,
    }
    if incident.is_exercise:
        subject = _("EXERCISE") + ": " + subject
    link = reverse("incidents:picture", args=[incident.pk]) if full else ""
    if full:
        recipients = [(person, "", reason) for person, reason in _activated_forum_people(incident)]
    else:
        recipients = _indirectly_affected(incident)
    messages = []
    for person, address, reason in recipients:
        context = {
            "subject": subject,
            "incident": incident,
            "picture": picture,
            "published_at": _local(picture.published_at),
            "picture_url": settings.SITE_URL + link if link else "",
            "reason": reason,
        }
        _subject, body, html = render_message("email/picture", context)
        messages.append(
            Outgoing(
                recipient=person,
                kind="picture_published",
                subject=subject,
                body=body,
                html=html,
                reason=reason,
                link=link,
                key=f"picture:{picture.pk}",
                about=picture,
                address=address,
                channels=(Channel.EMAIL, Channel.PORTAL) if person else (Channel.EMAIL,),
            )
        )
    notifications_queue(messages)


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


def _cosigners(message: JointMessage) -> dict[int, tuple[Person, list[str]]]:
    """Per person: the person and the sending actors they can co-sign for (see
    services._may_act_for). An actor's holders of its seats in the activated forums; an actor
    without one there (or none with a login): the holders of its functions, else its deputies."""
    waiting = {
        s.actor_id: s.actor for s in message.signatures.select_related("actor") if not s.signed_at
    }
    chosen = selectors.acting_people(message.incident, waiting)
    people: dict[int, tuple[Person, list[str]]] = {}
    for actor_pk, assignments in chosen.items():
        for assignment in assignments:
            if assignment.person.user_id == message.drafted_by_id:
                continue  # the drafter knows
            person, names = people.setdefault(assignment.person_id, (assignment.person, []))
            if waiting[actor_pk].name not in names:
                names.append(waiting[actor_pk].name)
    return people


def cosign_requested(message: JointMessage) -> None:
    """Tell the people who can sign for each co-signing actor that their signature is awaited,
    once per person (one message names every actor they can sign for)."""
    incident = message.incident
    link = incident.get_absolute_url() + "#messages-heading"
    senders = ", ".join(s.actor.name for s in message.signatures.select_related("actor"))
    messages = []
    for person, actors in _cosigners(message).values():
        reason = _("You get this because you can sign for %(actors)s.") % {
            "actors": ", ".join(actors)
        }
        text = "\n\n".join(
            [
                _(
                    "A joint message to %(group)s (%(channel)s) in %(title)s awaits your "
                    "signature for %(actors)s. Senders: %(senders)s."
                )
                % {
                    "group": message.target_group,
                    "channel": message.channel,
                    "title": incident.title,
                    "actors": ", ".join(actors),
                    "senders": senders,
                },
                message.text,
                _("Read and co-sign it in the portal:"),
            ]
        )
        subject = _("Your signature is awaited: joint message to %(group)s") % {
            "group": message.target_group
        }
        _subject, body, html = render_message(
            "email/generic",
            {
                "subject": subject,
                "text": text,
                "link": settings.SITE_URL + link,
                "reason": reason,
            },
        )
        messages.append(
            Outgoing(
                recipient=person,
                kind="joint_message_cosign",
                subject=subject,
                body=body,
                html=html,
                reason=reason,
                link=link,
                key=f"cosign:{message.pk}",
                about=message,
            )
        )
    notifications_queue(messages)


def _alerted(incident: Incident) -> tuple[list[Person], list[tuple[str, str]]]:
    """Everyone the incident's activation alerts went to, whichever wave: the people alerted
    for a seat (on any channel) and the addresses alerted without a person (actors' 24/7
    addresses, reach.py) as (channel, address)."""
    rows = (
        Notification.objects.filter(kind="activation_alert", content_type__app_label="incidents")
        .filter(
            Q(content_type__model="seatalert", object_id__in=incident.alerts.values("pk"))
            | Q(
                content_type__model="actoralert",
                object_id__in=incident.actor_alerts.values("pk"),
            )
        )
        .select_related("recipient")
        .order_by("pk")
    )
    people: dict[int, Person] = {}
    addresses: dict[tuple[str, str], None] = {}
    for row in rows:
        if row.recipient_id:
            people.setdefault(row.recipient_id, row.recipient)
        elif row.address:
            addresses.setdefault((row.channel, row.address), None)
    return list(people.values()), list(addresses)


def deactivated(incident: Incident) -> int:
    """Tell everyone who was alerted that joint mode is over (each once: the key is the
    incident's)."""
    people, addresses = _alerted(incident)
    when = _local(incident.deactivated_at or timezone.now())
    prefix = _("EXERCISE") + " " if incident.is_exercise else ""
    subject = _("%(prefix)sJoint mode deactivated: %(title)s") % {
        "prefix": prefix,
        "title": incident.title,
    }
    text = _(
        'The RSIB deactivated joint mode for "%(title)s" at %(when)s. The activated forums '
        "return to ordinary mode: no more reports are expected. Thank you for your work."
    ) % {"title": incident.title, "when": when}
    sms = _("%(prefix)sSSR: joint mode for %(title)s is deactivated (%(when)s). Thank you.") % {
        "prefix": prefix,
        "title": incident.title[:80],
        "when": when,
    }
    key = f"deactivated:{incident.pk}"
    messages = []
    for person in people:
        reason = _("You get this because you were alerted when joint mode was activated.")
        _subject, body, html = render_message(
            "email/generic",
            {
                "subject": subject,
                "text": text,
                "link": settings.SITE_URL + incident.get_absolute_url(),
                "reason": reason,
            },
        )
        messages.append(
            Outgoing(
                recipient=person,
                kind="incident_deactivated",
                subject=subject,
                body=body,
                html=html,
                sms=sms,
                reason=reason,
                link=incident.get_absolute_url(),
                key=key,
                about=incident,
                channels=ALL_CHANNELS,
            )
        )
    for channel, address in addresses:
        reason = _("You get this because this address was alerted when joint mode was activated.")
        _subject, body, html = render_message(
            "email/generic", {"subject": subject, "text": text, "link": "", "reason": reason}
        )
        messages.append(
            Outgoing(
                recipient=None,
                kind="incident_deactivated",
                subject=subject,
                body=body,
                html=html,
                sms=sms,
                reason=reason,
                key=key,
                about=incident,
                address=address,
                channels=(channel,),
            )
        )
    return len(notifications_queue(messages))


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
                    reason=seat_reason(
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
        sent += _remind_municipalities(incident, overdue, seats, now=now)
    return sent


def _remind_municipalities(incident: Incident, overdue: dict, seats: list, *, now) -> int:
    """Affected municipalities without a seat are expected to report too: their people are
    reminded (the seat actors' people were, above)."""
    seated = {seat.actor_id for seat in seats if seat.actor_id}
    rhythm = datetime.timedelta(minutes=incident.reporting_interval_minutes)
    messages = []
    for person, municipality in selectors.municipality_people(incident):
        row = overdue.get(municipality.pk)
        if row is None or municipality.pk in seated:
            continue
        since = row.report.submitted_at if row.report else incident.activated_at
        periods = int((now - since) / rhythm)
        messages.append(
            Outgoing(
                recipient=person,
                kind="report_reminder",
                subject=_("Situation report overdue: %(actor)s") % {"actor": municipality.name},
                body=_("%(actor)s has not reported in %(title)s for %(minutes)s minutes.")
                % {
                    "actor": municipality.name,
                    "title": incident.title,
                    "minutes": int((now - since).total_seconds() // 60),
                },
                reason=_("You get this because %(actor)s is an affected municipality in %(title)s.")
                % {"actor": municipality.name, "title": incident.title},
                link=reverse("incidents:report_create", args=[incident.pk]),
                key=f"reminder:{incident.pk}:{municipality.pk}:{since:%Y%m%d%H%M}:{periods}",
                about=incident,
                channels=(Channel.EMAIL, Channel.SMS, Channel.PORTAL),
                sms=_("SSR: %(actor)s is overdue with its situation report in %(title)s.")
                % {"actor": municipality.name, "title": incident.title[:40]},
            )
        )
    return len(notifications_queue(messages))


def acknowledge_in_portal(*, incident: Incident, user: Any) -> int:
    """A seat holder acknowledges in the portal every unacknowledged alert of their seats."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        return 0
    count = 0
    alerts = list(
        incident.alerts.filter(acknowledged_at__isnull=True).select_related(
            "seat__actor", "seat__cluster", "seat__function"
        )
    )
    # Every seat resolved at once: a constant number of queries whatever the number of seats.
    for alert, resolved in zip(alerts, resolve_seats([a.seat for a in alerts]), strict=True):
        if any(a.person_id == person.pk for a in resolved.people):
            count += acknowledge(alert=alert, person=person, via=SeatAlert.Via.PORTAL)
    # And, for the actors they speak for, the alerts sent to those actors' 24/7 addresses
    # (incidents.reach listens; it builds on this module, so it is told, not imported).
    answers = acknowledged_in_portal.send(
        sender=Incident, incident=incident, person=person, actors=selectors.user_actors(user)
    )
    return count + sum(answer for _receiver, answer in answers)
