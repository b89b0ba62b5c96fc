"""Messages about meetings and minutes, rendered here and handed to the outbox."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import Channel
from notifications.services import Outgoing, attachment, notifications_queue, render_message

from .calendar import calendar_for
from .models import Meeting, Minutes
from .selectors import forum_seats, resolve_seats


def _seat_people(meeting: Meeting):
    """(person, reason) for every holder and deputy of the meeting's forum, once each."""
    seen = {}
    for resolved in resolve_seats(forum_seats(meeting.forum)):
        for assignment in resolved.people:
            seen.setdefault(
                assignment.person_id,
                (
                    assignment.person,
                    _(
                        "You get this because you are %(role)s for %(function)s of %(actor)s "
                        "in %(forum)s."
                    )
                    % {
                        "role": assignment.get_role_display().lower(),
                        "function": resolved.seat.function.name,
                        "actor": resolved.actor.name,
                        "forum": meeting.forum.name,
                    },
                ),
            )
    return seen.values()


def meeting_changed(meeting: Meeting, *, event: str) -> None:
    """Invitation, update or cancellation with an .ics that replaces the calendar event."""
    subjects = {
        "invitation": _("Invitation: %(meeting)s, %(date)s"),
        "update": _("Changed: %(meeting)s, %(date)s"),
        "cancellation": _("Cancelled: %(meeting)s, %(date)s"),
    }
    from django.utils import timezone

    when = timezone.localtime(meeting.starts_at)
    subject = subjects[event] % {
        "meeting": meeting.display_title,
        "date": when.strftime("%Y-%m-%d %H:%M"),
    }
    ics = calendar_for([meeting], name=meeting.forum.name)
    link = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
    text = _("%(forum)s meets %(date)s. Place: %(place)s.") % {
        "forum": meeting.forum.name,
        "date": when.strftime("%Y-%m-%d %H:%M"),
        "place": ", ".join(p for p in (meeting.location, meeting.virtual_link) if p) or "–",
    }
    if event == "cancellation":
        text = _("The meeting is cancelled.") + " " + text
    else:
        items = list(meeting.agenda_items.all())
        if items:
            text += (
                "\n\n" + _("Agenda") + "\n" + "\n".join(f"§{i.position} {i.title}" for i in items)
            )
        if event == "update":
            text = _("The meeting was changed; your calendar is updated.") + " " + text
    messages = []
    for person, reason in _seat_people(meeting):
        subject_, body, html = render_message(
            "email/generic", {"subject": subject, "text": text, "link": link, "reason": reason}
        )
        messages.append(
            Outgoing(
                recipient=person,
                kind="meeting",
                subject=subject_,
                body=body,
                html=html,
                reason=reason,
                link=meeting.get_absolute_url(),
                key=f"meeting:{meeting.pk}:{meeting.sequence}:{event}",
                about=meeting,
                attachments=[attachment("mote.ics", ics, "text/calendar")],
            )
        )
    notifications_queue(messages)


def meeting_reminder(meeting: Meeting) -> None:
    from django.utils import timezone

    when = timezone.localtime(meeting.starts_at)
    subject = _("Reminder: %(meeting)s tomorrow %(time)s") % {
        "meeting": meeting.display_title,
        "time": when.strftime("%H:%M"),
    }
    notifications_queue(
        Outgoing(
            recipient=person,
            kind="meeting_reminder",
            subject=subject,
            body=subject,
            reason=reason,
            link=meeting.get_absolute_url(),
            key=f"meeting-reminder:{meeting.pk}:{meeting.sequence}",
            about=meeting,
        )
        for person, reason in _seat_people(meeting)
    )


def minutes_approved(minutes: Minutes, *, pdf: bytes | None = None) -> None:
    """Approved minutes go back to the home organisations: every recorded recipient, the
    organisations at their functional address (e-mail only), with the PDF attached."""
    meeting = minutes.meeting
    subject = _("Approved minutes: %(meeting)s") % {"meeting": meeting.display_title}
    path = reverse("forums:minutes_detail", args=[meeting.pk])
    link = f"{settings.SITE_URL}{path}"
    if pdf is None and minutes.pdf:
        with minutes.pdf.open("rb") as stored:
            pdf = stored.read()
    files = [attachment(f"protokoll-{meeting.pk}.pdf", pdf, "application/pdf")] if pdf else []
    messages = []
    for recipient in minutes.recipients.select_related("person", "actor"):
        reason = recipient.reason
        subject_, body, html = render_message(
            "email/generic",
            {"subject": subject, "text": minutes.body, "link": link, "reason": reason},
        )
        if recipient.is_organisation:
            # Once per organisation: the key names the actor, so a retry queues nothing new.
            messages.append(
                Outgoing(
                    recipient=None,
                    address=recipient.address,
                    channels=(Channel.EMAIL,),
                    kind="minutes_approved",
                    subject=subject_,
                    body=body,
                    html=html,
                    reason=reason,
                    link=path,
                    key=f"minutes:{minutes.pk}:actor:{recipient.actor_id}",
                    about=minutes,
                    attachments=files,
                )
            )
            continue
        messages.append(
            Outgoing(
                recipient=recipient.person,
                kind="minutes_approved",
                subject=subject_,
                body=body,
                html=html,
                reason=reason,
                link=path,
                key=f"minutes:{minutes.pk}",
                about=minutes,
                attachments=files,
            )
        )
    notifications_queue(messages)
