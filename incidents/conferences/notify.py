"""Invitations to a conference, with an .ics whose UID stays the same, so that an update (a
higher SEQUENCE) or a cancellation replaces the event in the invitee's calendar.

Everyone involved is invited: the holders and deputies of the seats of the conference's forums,
the people of the affected municipalities, and, for an involved actor none of whose people is
invited (a vacant seat, a municipality without a seat), its 24/7 address."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from actors.models import Actor, Person
from forums.selectors import forum_seats, resolve_seats
from notifications.models import Channel
from notifications.services import Outgoing, attachment, notifications_queue, render_message

from .. import selectors
from ..alerts import seat_reason
from ..models import Conference

KIND = "conference_invitation"


def _where(conference: Conference) -> str:
    return ", ".join(p for p in (conference.room_url, conference.dial_in) if p) or "–"


def conference_ics(conference: Conference) -> bytes:
    """The calendar with the conference's one event (METHOD:CANCEL when it is cancelled)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Samverkan Stockholmsregionen//SSR-portalen//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if conference.is_cancelled else "REQUEST")
    event = Event()
    event.add("uid", conference.ical_uid)
    event.add("sequence", conference.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", conference.starts_at)
    event.add("dtend", conference.ends_at)
    event.add(
        "summary",
        _("Coordination conference: %(incident)s") % {"incident": conference.incident.title},
    )
    event.add("location", vText(_where(conference)))
    url = f"{settings.SITE_URL}{conference.get_absolute_url()}"
    event.add("url", url)
    description = [p for p in (conference.dial_in, conference.room_url, url) if p]
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if conference.is_cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def invitees(conference: Conference) -> tuple[list[tuple[Person, str]], list[tuple[Actor, str]]]:
    """(person, reason) once per person, and (actor, reason) for the involved actors reached
    only at their 24/7 address."""
    incident = conference.incident
    forums = list(conference.forums.all())
    seats = [s for forum in forums for s in forum_seats(forum) if s.applies_to("activated")]
    people: dict[int, tuple[Person, str]] = {}
    involved: dict[int, Actor] = {}
    reached: set[int] = set()
    for resolved in resolve_seats(seats):
        if resolved.actor is None:
            continue
        involved.setdefault(resolved.actor.pk, resolved.actor)
        for assignment in resolved.people:
            if assignment.person.anonymised_at:
                continue
            reached.add(resolved.actor.pk)
            people.setdefault(
                assignment.person_id,
                (
                    assignment.person,
                    seat_reason(
                        assignment.get_role_display().lower(),
                        resolved.seat.function.name,
                        resolved.actor.name,
                        resolved.seat.forum.current_name,
                    ),
                ),
            )
    for municipality in incident.affected_municipalities.all():
        involved.setdefault(municipality.pk, municipality)
    for person, municipality in selectors.municipality_people(incident):
        reached.add(municipality.pk)
        people.setdefault(
            person.pk,
            (
                person,
                _("You get this because %(actor)s is affected by the incident.")
                % {"actor": municipality.name},
            ),
        )
    duty = [
        (
            actor,
            _(
                "You get this as the 24/7 address of %(actor)s: nobody of %(actor)s is "
                "invited in person."
            )
            % {"actor": actor.name},
        )
        for actor in sorted(involved.values(), key=lambda a: a.name)
        if actor.pk not in reached and actor.alert_email
    ]
    return list(people.values()), duty


def conference_changed(conference: Conference, *, event: str) -> list[int]:
    """Queue the invitation, update or cancellation. Keyed by conference, sequence and event:
    a repeat (a retried task, a double submit) queues nothing new."""
    subjects = {
        "invitation": _("Coordination conference %(date)s: %(incident)s"),
        "update": _("Changed: coordination conference %(date)s: %(incident)s"),
        "cancellation": _("Cancelled: coordination conference %(date)s: %(incident)s"),
    }
    when = timezone.localtime(conference.starts_at)
    facts = {"date": when.strftime("%Y-%m-%d %H:%M"), "incident": conference.incident.title}
    subject = subjects[event] % facts
    text = _(
        "The RSIB calls a coordination conference %(date)s (%(minutes)s minutes). "
        "Join: %(where)s. Each actor gives its status in turn: have your newest situation "
        "report at hand."
    ) % {**facts, "minutes": conference.duration_minutes, "where": _where(conference)}
    if event == "cancellation":
        text = _("The conference is cancelled.") + " " + text
    link = conference.get_absolute_url()
    ics = attachment("konferens.ics", conference_ics(conference), "text/calendar")
    key = f"conference:{conference.pk}:{conference.sequence}:{event}"
    people, duty = invitees(conference)
    # The people by their own channels; an actor reached only at its 24/7 address by e-mail.
    recipients = [(person, {}, reason) for person, reason in people] + [
        (None, {"address": actor.alert_email, "channels": (Channel.EMAIL,)}, reason)
        for actor, reason in duty
    ]
    messages = []
    for person, address, reason in recipients:
        subject_, body, html = render_message(
            "email/generic",
            {"subject": subject, "text": text, "link": settings.SITE_URL + link, "reason": reason},
        )
        messages.append(
            Outgoing(
                recipient=person,
                **address,
                kind=KIND,
                subject=subject_,
                body=body,
                html=html,
                reason=reason,
                link=link,
                key=key,
                about=conference,
                attachments=[ics],
            )
        )
    return notifications_queue(messages)
