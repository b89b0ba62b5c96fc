"""Every change to forums, seats and meetings goes through these functions."""

import datetime
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from actors.models import Actor, ActorFunction, MunicipalCluster
from core import audit
from core.files import check_upload

from . import notify, selectors
from .models import (
    ActionItem,
    AgendaItem,
    Attachment,
    Attendance,
    CalendarFeed,
    ClusterRepresentation,
    Decision,
    DecisionCounter,
    Forum,
    ForumUserObjectPermission,
    Meeting,
    Minutes,
    MinutesRecipient,
    Mode,
    Seat,
)


def _clean_save(instance: Any) -> Any:
    instance.full_clean()
    instance.save()
    return instance


# --- Access ---------------------------------------------------------------------------------


def _view_forum_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="forums", codename="view_forum")


@transaction.atomic
def forum_access_sync(
    *,
    forum_ids: Iterable[int] | None = None,
    user_ids: Iterable[int] | None = None,
    on: datetime.date | None = None,
) -> tuple[int, int]:
    """Grant ``view_forum`` to exactly the seat holders and deputies of the day; withdraw the rest.

    Scoped to some forums and/or users (or everything). Returns (granted, withdrawn).
    """
    forum_ids = set(forum_ids) if forum_ids is not None else None
    user_ids = set(user_ids) if user_ids is not None else None
    wanted = selectors.access_pairs(forum_ids=forum_ids, user_ids=user_ids, on=on)
    permission = _view_forum_permission()
    existing_rows = ForumUserObjectPermission.objects.filter(permission=permission)
    if forum_ids is not None:
        existing_rows = existing_rows.filter(content_object_id__in=forum_ids)
    if user_ids is not None:
        existing_rows = existing_rows.filter(user_id__in=user_ids)
    existing = {
        (row["user_id"], row["content_object_id"]): row["pk"]
        for row in existing_rows.values("pk", "user_id", "content_object_id")
    }
    withdrawn = {pair: pk for pair, pk in existing.items() if pair not in wanted}
    granted = wanted - existing.keys()
    ForumUserObjectPermission.objects.filter(pk__in=withdrawn.values()).delete()
    ForumUserObjectPermission.objects.bulk_create(
        ForumUserObjectPermission(
            user_id=user_id, content_object_id=forum_id, permission=permission
        )
        for user_id, forum_id in granted
    )
    audit.record_permission_changes(
        model=Forum, permission="view_forum", granted=granted, withdrawn=withdrawn.keys()
    )
    return len(granted), len(withdrawn)


def forum_access_sync_users(user_ids: set[int]) -> None:
    """Listener for the actors app: someone's assignments or login changed."""
    forum_access_sync(user_ids=user_ids)


# --- Forums and seats -----------------------------------------------------------------------


@transaction.atomic(durable=True)
def forum_create(**data: Any) -> Forum:
    return _clean_save(Forum(**data))


@transaction.atomic(durable=True)
def forum_update(*, forum: Forum, **data: Any) -> Forum:
    for name, value in data.items():
        setattr(forum, name, value)
    _clean_save(forum)
    forum_access_sync(forum_ids={forum.pk})
    return forum


@transaction.atomic
def forum_mode_set(*, forum: Forum, mode: str) -> Forum:
    """Switch a forum into its activated form or back (called when a level is activated)."""
    if mode == Mode.ACTIVATED and not forum.has_activated_form:
        raise ValidationError(
            _("%(forum)s has no activated form.") % {"forum": forum.name}, code="no_activated_form"
        )
    if forum.mode != mode:
        forum.mode = mode
        forum.save(update_fields=["mode"])
    return forum


def _check_seat(seat: Seat) -> None:
    seat.full_clean(exclude=["forum"])
    if bool(seat.actor_id) == bool(seat.cluster_id):
        raise ValidationError(_("A seat belongs to either an actor or a municipal cluster."))
    if seat.actor_id and not selectors.actor_has_function(
        actor=seat.actor, function_id=seat.function_id
    ):
        raise ValidationError(
            {
                "function": _(
                    "%(actor)s has no function %(function)s. Add the function to the actor first."
                )
                % {"actor": seat.actor, "function": seat.function}
            }
        )
    duplicates = Seat.objects.filter(forum_id=seat.forum_id, function_id=seat.function_id)
    duplicates = (
        duplicates.filter(actor_id=seat.actor_id)
        if seat.actor_id
        else duplicates.filter(cluster_id=seat.cluster_id)
    )
    if seat.pk:
        duplicates = duplicates.exclude(pk=seat.pk)
    if duplicates.exists():
        raise ValidationError(
            _("The forum already has this seat; change its number of seats instead.")
        )


@transaction.atomic(durable=True)
def seat_create(*, forum: Forum, **data: Any) -> Seat:
    seat = Seat(forum=forum, **data)
    _check_seat(seat)
    seat.save()
    forum_access_sync(forum_ids={forum.pk})
    return seat


@transaction.atomic(durable=True)
def seat_update(*, seat: Seat, **data: Any) -> Seat:
    for name, value in data.items():
        setattr(seat, name, value)
    _check_seat(seat)
    seat.save()
    forum_access_sync(forum_ids={seat.forum_id})
    return seat


@transaction.atomic(durable=True)
def seat_delete(*, seat: Seat) -> None:
    if seat.attendance.exists():
        raise ValidationError(
            _("The seat has recorded attendance and is kept for the minutes' sake.")
        )
    forum_id = seat.forum_id
    seat.delete()
    forum_access_sync(forum_ids={forum_id})


def _forums_with_cluster_seats(cluster: MunicipalCluster) -> set[int]:
    return set(Seat.objects.filter(cluster=cluster).values_list("forum_id", flat=True))


@transaction.atomic(durable=True)
def cluster_representation_create(
    *,
    cluster: MunicipalCluster,
    municipality: Actor,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    note: str = "",
) -> ClusterRepresentation:
    representation = ClusterRepresentation(
        cluster=cluster, municipality=municipality, starts_on=starts_on, ends_on=ends_on, note=note
    )
    representation.full_clean()
    if municipality.cluster_id != cluster.pk:
        raise ValidationError(
            {
                "municipality": _("%(municipality)s does not belong to cluster %(cluster)s.")
                % {"municipality": municipality, "cluster": cluster}
            }
        )
    overlapping = ClusterRepresentation.objects.filter(
        cluster=cluster, starts_on__lte=ends_on or datetime.date.max
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if overlapping.exists():
        raise ValidationError(
            _(
                "Cluster %(cluster)s already has a representative for part of that period. "
                "End that representation first."
            )
            % {"cluster": cluster}
        )
    representation.save()
    forum_access_sync(forum_ids=_forums_with_cluster_seats(cluster))
    return representation


@transaction.atomic(durable=True)
def cluster_representation_end(
    *, representation: ClusterRepresentation, ends_on: datetime.date
) -> ClusterRepresentation:
    if ends_on < representation.starts_on:
        raise ValidationError({"ends_on": _("The representation cannot end before it starts.")})
    representation.ends_on = ends_on
    representation.save(update_fields=["ends_on"])
    forum_access_sync(forum_ids=_forums_with_cluster_seats(representation.cluster))
    return representation


# --- Meetings -------------------------------------------------------------------------------


def _check_meeting(meeting: Meeting) -> None:
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    meeting.full_clean(exclude=["forum", "created_by"])
    if meeting.status == Meeting.Status.CANCELLED:
        return
    overlapping = Meeting.objects.filter(
        status=Meeting.Status.PLANNED,
        starts_at__lt=meeting.ends_at,
        ends_at__gt=meeting.starts_at,
    ).select_related("forum")
    if meeting.pk:
        overlapping = overlapping.exclude(pk=meeting.pk)
    same_forum = [m for m in overlapping if m.forum_id == meeting.forum_id]
    if same_forum:
        raise ValidationError(
            _("%(forum)s already meets then (%(meeting)s).")
            % {"forum": meeting.forum.name, "meeting": same_forum[0].display_title}
        )
    others = {m.forum_id: m for m in overlapping}
    if not others:
        return
    mine = {
        a.person_id: a.person
        for r in selectors.forum_composition(forum=meeting.forum, on=meeting.starts_at.date())
        for a in r.holders
    }
    for other in others.values():
        for r in selectors.forum_composition(forum=other.forum, on=meeting.starts_at.date()):
            for assignment in r.holders:
                if assignment.person_id in mine:
                    raise ValidationError(
                        _(
                            "%(person)s holds a seat in both forums and is already summoned to "
                            "%(meeting)s (%(forum)s) at that time. Choose another time."
                        )
                        % {
                            "person": assignment.person,
                            "meeting": other.display_title,
                            "forum": other.forum.name,
                        }
                    )


@transaction.atomic(durable=True)
def meeting_create(*, forum: Forum, created_by: Any = None, **data: Any) -> Meeting:
    """Schedule a meeting. Nobody is told yet: the secretariat sends the invitation when the
    agenda is ready (``meeting_invitation_send``)."""
    meeting = Meeting(forum=forum, created_by=created_by, **data)
    _check_meeting(meeting)
    meeting.save()
    return meeting


@transaction.atomic(durable=True)
def meeting_invitation_send(*, meeting: Meeting, sent_by: Any) -> Meeting:
    """Send the invitation with its calendar event to every seat holder and deputy, once."""
    meeting = Meeting.objects.select_for_update().select_related("forum").get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting is cancelled; there is nothing to invite to."))
    if meeting.invitation_sent:
        raise ValidationError(_("The invitation has already been sent; changes go out as updates."))
    if meeting.starts_at <= timezone.now():
        raise ValidationError(
            _("The meeting has already started; an invitation cannot be sent afterwards.")
        )
    meeting.invitation_sent_at = timezone.now()
    meeting.invitation_sent_by = sent_by
    meeting.save(update_fields=["invitation_sent_at", "invitation_sent_by"])
    notify.meeting_changed(meeting, event="invitation")
    return meeting


def _announce_change(meeting: Meeting) -> None:
    """After the invitation, a change of agenda or time replaces the calendar event (same UID,
    higher SEQUENCE) and goes out as an update; before it, nothing goes out."""
    meeting = Meeting.objects.select_for_update().select_related("forum").get(pk=meeting.pk)
    meeting.sequence += 1
    meeting.save(update_fields=["sequence"])
    if meeting.invitation_sent and not meeting.is_cancelled:
        notify.meeting_changed(meeting, event="update")


RESCHEDULING_FIELDS = {"starts_at", "ends_at", "location", "virtual_link", "title", "status"}


@transaction.atomic(durable=True)
def meeting_update(*, meeting: Meeting, **data: Any) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_approved(meeting)  # its name, time and place are part of the approved minutes
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    changed = {name for name, value in data.items() if getattr(meeting, name) != value}
    for name, value in data.items():
        setattr(meeting, name, value)
    _check_meeting(meeting)
    if changed & RESCHEDULING_FIELDS:
        meeting.sequence += 1  # calendar clients replace the event
    meeting.save()
    if changed & RESCHEDULING_FIELDS and meeting.invitation_sent:
        notify.meeting_changed(meeting, event="update")
    return meeting


@transaction.atomic(durable=True)
def meeting_cancel(*, meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if hasattr(meeting, "minutes") and meeting.minutes.is_approved:
        raise ValidationError(_("A meeting with approved minutes cannot be cancelled."))
    if meeting.status != Meeting.Status.CANCELLED:
        meeting.status = Meeting.Status.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence"])
        if meeting.invitation_sent:  # whoever was never invited needs no cancellation
            notify.meeting_changed(meeting, event="cancellation")
    return meeting


def _refuse_if_approved(meeting: Meeting) -> None:
    if selectors.meeting_is_locked(meeting.pk):
        raise ValidationError(
            _("The minutes of this meeting are approved and locked; nothing in it can change.")
        )


@transaction.atomic(durable=True)
def agenda_item_add(*, meeting: Meeting, **data: Any) -> AgendaItem:
    _refuse_if_approved(meeting)
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = _clean_save(AgendaItem(meeting=meeting, position=last + 1, **data))
    _announce_change(meeting)
    return item


@transaction.atomic(durable=True)
def agenda_item_update(*, item: AgendaItem, **data: Any) -> AgendaItem:
    _refuse_if_approved(item.meeting)
    changed = {name for name, value in data.items() if getattr(item, name) != value}
    for name, value in data.items():
        setattr(item, name, value)
    _clean_save(item)
    if changed:
        _announce_change(item.meeting)
    return item


@transaction.atomic(durable=True)
def attachment_add(
    *,
    meeting: Meeting,
    upload: UploadedFile,
    sharing_level: str,
    agenda_item: AgendaItem | None = None,
    uploaded_by: Any = None,
) -> Attachment:
    _refuse_if_approved(meeting)
    if agenda_item and agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("The agenda item belongs to another meeting."))
    checked = check_upload(upload)
    attachment = Attachment(
        meeting=meeting,
        agenda_item=agenda_item,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sharing_level=sharing_level,
        uploaded_by=uploaded_by,
    )
    attachment.file.save(checked.filename, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic(durable=True)
def attendance_record(*, meeting: Meeting, entries: dict[int, tuple[str, str]]) -> None:
    """Record attendance per seat: {seat id: (status, attended by)}; empty status clears it."""
    _refuse_if_approved(meeting)
    seat_ids = set(meeting.forum.seats.values_list("pk", flat=True))
    unknown = set(entries) - seat_ids
    if unknown:
        raise ValidationError(_("Attendance can only be recorded for the forum's own seats."))
    valid = set(Attendance.Status.values)
    existing = {a.seat_id: a for a in meeting.attendance.all()}
    for seat_id, (status, attendee) in entries.items():
        if status and status not in valid:
            raise ValidationError(_("Unknown attendance status %(status)r.") % {"status": status})
        if status in NOT_ATTENDED and attendee.strip():
            raise ValidationError(
                {f"status_{seat_id}": attendance_contradiction(status, attendee.strip())}
            )
        current = existing.get(seat_id)
        if not status:
            if current:
                current.delete()
            continue
        if current:
            if (current.status, current.attendee) != (status, attendee):
                current.status, current.attendee = status, attendee
                current.save(update_fields=["status", "attendee"])
        else:
            Attendance.objects.create(
                meeting=meeting, seat_id=seat_id, status=status, attendee=attendee
            )


# A seat marked absent or excused had nobody there: a name of who attended contradicts it.
NOT_ATTENDED = (Attendance.Status.ABSENT, Attendance.Status.EXCUSED)


def attendance_contradiction(status: str, attendee: str) -> str:
    return _(
        "%(status)s and attended by %(attendee)s contradict each other: clear the name, or "
        "mark the seat present (or deputy present)."
    ) % {"status": Attendance.Status(status).label, "attendee": attendee}


def _decision_order(decision: Decision) -> tuple[int, int, int]:
    """The agenda's order: by the item's position, then as recorded within the item; decisions
    at no item come last."""
    if decision.agenda_item_id:
        return (0, decision.agenda_item.position, decision.pk)
    return (1, 0, decision.pk)


# Moves renumbered decisions out of the way of the unique (forum, year, number) while swapping.
_RENUMBER_OFFSET = 1_000_000


def _decisions_renumber(meeting: Meeting, year: int) -> None:
    """Give the meeting's decisions its numbers again, in the agenda's order. The set of numbers
    stays the same (the counter's, gapless); only which decision holds which changes."""
    decisions = list(
        meeting.decisions.filter(year=year)
        .select_related("agenda_item")
        .select_for_update(of=("self",))
    )
    numbers = sorted(d.number for d in decisions)
    moves = [
        (d, n)
        for d, n in zip(sorted(decisions, key=_decision_order), numbers, strict=True)
        if d.number != n
    ]
    if not moves:
        return
    Decision.objects.filter(pk__in=[d.pk for d, _n in moves]).update(
        number=F("number") + _RENUMBER_OFFSET
    )
    for decision, number in moves:
        decision.number = number
        decision.save(update_fields=["number"])


@transaction.atomic
def decision_add(*, meeting: Meeting, text: str, agenda_item: AgendaItem | None = None) -> Decision:
    """Number the decision per forum and year from a locked counter: gapless, never twice.
    Within the meeting the numbers follow the agenda, however the decisions were recorded."""
    _refuse_if_approved(meeting)
    if not text.strip():
        raise ValidationError({"text": _("Write the decision.")})
    if agenda_item and agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("The agenda item belongs to another meeting."))
    year = timezone.localtime(meeting.starts_at).year
    DecisionCounter.objects.get_or_create(forum_id=meeting.forum_id, year=year)
    counter = DecisionCounter.objects.select_for_update().get(forum_id=meeting.forum_id, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    decision = Decision.objects.create(
        meeting=meeting,
        forum_id=meeting.forum_id,
        year=year,
        number=counter.last_number,
        text=text.strip(),
        agenda_item=agenda_item,
    )
    _decisions_renumber(meeting, year)
    decision.refresh_from_db(fields=["number"])
    return decision


@transaction.atomic(durable=True)
def action_item_add(
    *, meeting: Meeting, title: str, owner: Actor, due_on: datetime.date | None = None
) -> ActionItem:
    _refuse_if_approved(meeting)
    return _clean_save(
        ActionItem(
            meeting=meeting, forum_id=meeting.forum_id, title=title, owner=owner, due_on=due_on
        )
    )


@transaction.atomic(durable=True)
def action_item_set_status(*, item: ActionItem, status: str) -> ActionItem:
    """Action items are followed up after the meeting, so this works on approved minutes too."""
    if status not in ActionItem.Status.values:
        raise ValidationError(_("Unknown status."))
    item.status = status
    item.save(update_fields=["status"])
    return item


# --- Minutes --------------------------------------------------------------------------------


def minutes_text(meeting: Meeting) -> str:
    """The minutes generated from agenda, attendance, decisions and action items."""
    meeting = selectors.meeting_detail(pk=meeting.pk)
    seats = selectors.resolve_seats(selectors.forum_seats(meeting.forum))
    attendance = {a.seat_id: a for a in meeting.attendance.all()}
    return render_to_string(
        "forums/minutes_generated.txt",
        {
            "meeting": meeting,
            "rows": [(r, attendance.get(r.seat.pk)) for r in seats],
            "decisions": sorted(meeting.decisions.all(), key=lambda d: d.number),
        },
    ).strip()


@transaction.atomic(durable=True)
def minutes_generate(*, meeting: Meeting) -> Minutes:
    _refuse_if_approved(meeting)
    body = minutes_text(meeting)
    minutes, created = Minutes.objects.get_or_create(meeting=meeting, defaults={"body": body})
    if not created:
        minutes.body = body
        minutes.save(update_fields=["body"])
    return minutes


@transaction.atomic(durable=True)
def minutes_update(*, minutes: Minutes, body: str, sharing_level: str) -> Minutes:
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.is_approved:
        raise ValidationError(_("Approved minutes are locked and cannot be edited."))
    if not body.strip():
        raise ValidationError({"body": _("The minutes cannot be empty.")})
    minutes.body = body
    minutes.sharing_level = sharing_level
    _clean_save(minutes)
    return minutes


class NobodyPresent(ValidationError):
    """Approving minutes that record nobody present needs the approver's explicit "yes"."""


def meeting_has_anyone_present(meeting: Meeting) -> bool:
    return meeting.attendance.filter(
        status__in=(Attendance.Status.PRESENT, Attendance.Status.DEPUTY_PRESENT)
    ).exists()


def _functional_addresses(resolved: list[selectors.ResolvedSeat]) -> dict[int, str]:
    """Each seated actor's functional address: the e-mail of the function that holds its seat,
    else its 24/7 alert address (a duty officer or functional mailbox); "" when it has none."""
    pairs = {(r.actor.pk, r.seat.function_id) for r in resolved if r.actor}
    function_emails = {
        (af.actor_id, af.function_id): af.contact_email
        for af in ActorFunction.objects.filter(
            actor_id__in={a for a, _f in pairs}, function_id__in={f for _a, f in pairs}
        ).exclude(contact_email="")
    }
    actors = {r.actor.pk: r.actor for r in resolved if r.actor}
    addresses: dict[int, str] = {}
    for r in resolved:
        if r.actor and not addresses.get(r.actor.pk):
            addresses[r.actor.pk] = function_emails.get((r.actor.pk, r.seat.function_id), "")
    return {pk: address or actors[pk].alert_email for pk, address in addresses.items()}


def _minutes_recipients(minutes: Minutes, forum: Forum) -> list[MinutesRecipient]:
    """Every seat holder and deputy, once each, and every organisation with a seat, once each,
    at its functional address — a vacant seat's actor included."""
    resolved = selectors.resolve_seats(selectors.forum_seats(forum))
    people: dict[int, MinutesRecipient] = {}
    organisations: dict[int, MinutesRecipient] = {}
    for r in resolved:
        if r.actor is None:
            continue  # a cluster seat with no representing municipality: nobody to reach
        for assignment in r.people:
            role = assignment.get_role_display().lower()
            names = {
                "role": role,
                "function": r.seat.function.name,
                "actor": r.actor.name,
                "forum": forum.name,
            }
            people.setdefault(
                assignment.person_id,
                MinutesRecipient(
                    minutes=minutes,
                    actor=r.actor,
                    person=assignment.person,
                    reason=_("You are %(role)s for %(function)s of %(actor)s in %(forum)s.")
                    % names,
                    capacity=_("%(role)s for %(function)s") % names,
                ),
            )
    addresses = _functional_addresses(resolved)
    for r in resolved:
        if r.actor is None or r.actor.pk in organisations:
            continue
        names = {"actor": r.actor.name, "forum": forum.name}
        organisations[r.actor.pk] = MinutesRecipient(
            minutes=minutes,
            actor=r.actor,
            address=addresses.get(r.actor.pk, ""),
            reason=_(
                "Sent to the functional address of %(actor)s: %(actor)s has a seat in "
                "%(forum)s, and every forum returns its minutes to the home organisation."
            )
            % names,
            capacity=_("the organisation's functional address")
            if r.holders
            else _("the organisation's functional address (the seat is vacant)"),
        )
    return [*people.values(), *organisations.values()]


@transaction.atomic(durable=True)
def minutes_approve(
    *, minutes: Minutes, approved_by: Any, ask_if_nobody_present: bool = False
) -> Minutes:
    """Approve and lock; render the PDF once; send it home to every organisation with a seat
    (at its functional address) and to every seat holder and deputy.

    ``ask_if_nobody_present`` (the approval page, until the approver said yes): minutes that
    record nobody present are refused with ``NobodyPresent``, so that the page can ask."""
    minutes = (
        Minutes.objects.select_for_update().select_related("meeting__forum").get(pk=minutes.pk)
    )
    if minutes.is_approved:
        raise ValidationError(_("The minutes are already approved."))
    meeting = minutes.meeting
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting has no minutes to approve."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Minutes can be approved only after the meeting has started."))
    if ask_if_nobody_present and not meeting_has_anyone_present(meeting):
        raise NobodyPresent(
            _(
                "Nobody is recorded present at this meeting. Take attendance first, or confirm "
                "that the minutes are approved with nobody recorded present."
            ),
            code="nobody_present",
        )
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_at = timezone.now()
    minutes.approved_by = approved_by
    from .pdf import minutes_pdf  # WeasyPrint is heavy: loaded when minutes are approved

    content = minutes_pdf(minutes)
    minutes.pdf.save(f"protokoll-{meeting.pk}.pdf", ContentFile(content), save=False)
    # One update: the row is frozen from the moment it is approved (core.append_only).
    minutes.save(update_fields=["status", "approved_at", "approved_by", "pdf"])
    bulk_create_with_history(_minutes_recipients(minutes, meeting.forum), MinutesRecipient)
    notify.minutes_approved(minutes, pdf=content)
    return minutes


# --- Calendar feed --------------------------------------------------------------------------

# A calendar client polls its feed every few minutes; one event per address and hour still shows
# who reads the feed from where without flooding the audit trail.
CALENDAR_FEED_AUDIT_INTERVAL = datetime.timedelta(hours=1)


def _feed_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_get_or_create(*, user: Any) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": _feed_token()}
    )
    return feed


@transaction.atomic
def calendar_feed_rotate(*, user: Any) -> CalendarFeed | None:
    """Give the user's feed a new secret address; the old one answers 404 from now on.

    Called when the user asks for it, on a password change or reset and on "log out everywhere":
    whoever had the old address (a stolen session could copy it) must not keep reading it.
    Returns None when the user has no feed yet (there is nothing to revoke).
    """
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return None
    feed.token = _feed_token()
    feed.rotated_at = timezone.now()
    feed.save(update_fields=["token", "rotated_at", "created_at"])
    return feed


def calendar_feed_record_fetch(*, feed: CalendarFeed, request: HttpRequest) -> None:
    """Audit a fetch of the feed (no one is logged in: the feed's owner is the subject)."""
    ip = audit.client_ip(request)
    recent = audit.AuditEvent.objects.filter(
        kind=audit.Kind.CALENDAR_FEED_FETCHED,
        subject_user_id=feed.user_id,
        ip_address=ip,
        occurred_at__gte=timezone.now() - CALENDAR_FEED_AUDIT_INTERVAL,
    )
    if recent.exists():
        return
    audit.record(
        audit.Kind.CALENDAR_FEED_FETCHED,
        request=request,
        subject_user=feed.user,
        detail=request.headers.get("User-Agent", ""),
    )
