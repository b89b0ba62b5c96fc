"""Every state change of activated mode goes through these functions, each logged with who and
when on the incident's timeline."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Permission
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from actors.models import Actor
from core import audit
from core.rules import require
from forums.models import Forum, Mode
from forums.selectors import forum_seats, resolve_seats
from forums.services import forum_mode_set

from . import alerts, message_notices, reach, selectors, signal_alerts, webhooks
from .models import (
    ActorStatus,
    Direction,
    DirectionAcknowledgement,
    EventType,
    FollowUp,
    FollowUpAction,
    Incident,
    IncidentUserObjectPermission,
    JointMessage,
    JointMessageSender,
    LogEntry,
    PreparedDirection,
    Signal,
    SituationReport,
)
from .statuses import AUTOMATIC_STATUSES, actor_status_advance  # noqa: F401  (callers)
from .timeline import log

# --- Signals and activation -----------------------------------------------------------------


@transaction.atomic(durable=True)
def signal_create(
    *,
    actor: Actor,
    signalled_by: Any,
    what: str,
    assessment: str,
    municipalities: Iterable[Actor] = (),
    is_exercise: bool = False,
) -> Signal:
    require(bool(what.strip()), _("Describe what has happened."))
    signal = Signal.objects.create(
        actor=actor,
        signalled_by=signalled_by,
        what=what.strip(),
        assessment=assessment.strip(),
        is_exercise=is_exercise,
    )
    signal.municipalities.set(municipalities)
    # The RSIB on duty (or the fallback) is alerted in the same transaction: no signal without
    # its alert, and the alert goes after commit.
    signal_alerts.signal_alert(signal)
    return signal


@transaction.atomic(durable=True)
def signal_dismiss(*, signal: Signal, by: Any) -> Signal:
    require(signal.status == Signal.Status.NEW, _("The signal has already been handled."))
    signal.status = Signal.Status.DISMISSED
    signal.save(update_fields=["status"])
    signal_alerts.signal_seen_in_portal(signal=signal, user=by)  # dismissing it is seeing it
    return signal


def _incident_forum_users(incident: Incident) -> set[int]:
    """Seat holders and deputies of the activated forums, and the people of the affected
    municipalities (those who speak for them: see ``selectors.municipality_people``)."""
    seats = []
    for forum in incident.activated_forums.all():
        seats.extend(forum_seats(forum))
    users = {a.person.user_id for r in resolve_seats(seats) for a in r.people if a.person.user_id}
    users.update(
        person.user_id for person, _m in selectors.municipality_people(incident) if person.user_id
    )
    return users


@transaction.atomic
def incident_access_sync(*, incidents: Iterable[Incident] | None = None) -> tuple[int, int]:
    """Grant ``view_incident`` to the seat holders and deputies of each incident's activated
    forums and to the affected municipalities' people, withdraw it from everyone else (the
    secretariat and on-duty RSIB/RKK see all)."""
    permission = Permission.objects.get(
        content_type__app_label="incidents", codename="view_incident"
    )
    incidents = list(incidents) if incidents is not None else list(Incident.objects.all())
    granted = withdrawn = 0
    for incident in incidents:
        wanted = _incident_forum_users(incident)
        rows = IncidentUserObjectPermission.objects.filter(
            content_object=incident, permission=permission
        )
        have = {row.user_id: row.pk for row in rows}
        stale = {user_id: pk for user_id, pk in have.items() if user_id not in wanted}
        new = wanted - have.keys()
        IncidentUserObjectPermission.objects.filter(pk__in=stale.values()).delete()
        IncidentUserObjectPermission.objects.bulk_create(
            IncidentUserObjectPermission(user_id=u, content_object=incident, permission=permission)
            for u in new
        )
        audit.record_permission_changes(
            model=Incident,
            permission="view_incident",
            granted=[(u, incident.pk) for u in new],
            withdrawn=[(u, incident.pk) for u in stale],
        )
        granted += len(new)
        withdrawn += len(stale)
    return granted, withdrawn


def incident_access_sync_users(user_ids: set[int]) -> None:
    """Listener for the actors app (assignments changed): re-derive incidents' access."""
    incident_access_sync(incidents=Incident.objects.exclude(activated_forums=None))


def _set_forum_modes(forums: Iterable[Forum]) -> None:
    """A forum is in activated mode while any active incident has activated it."""
    for forum in forums:
        active = forum.incidents.filter(status=Incident.Status.ACTIVATED).exists()
        if forum.has_activated_form:
            forum_mode_set(forum=forum, mode=Mode.ACTIVATED if active else Mode.ORDINARY)


def _alert_actors(incident: Incident, by: Any) -> None:
    statuses = selectors.current_statuses(incident)
    bulk_create_with_history(
        [
            ActorStatus(
                incident=incident, actor=actor, status=ActorStatus.Status.ALERTED, set_by=by
            )
            for actor in selectors.expected_actors(incident)
            if actor.pk not in statuses
        ],
        ActorStatus,
        default_user=by,
    )


@transaction.atomic
def incident_activate(
    *,
    activated_by: Any,
    title: str,
    forums: Iterable[Forum],
    municipalities: Iterable[Actor] = (),
    event_type: Any = None,
    prepared_direction: PreparedDirection | None = None,
    is_exercise: bool = False,
    wis_link: str = "",
    reporting_interval_minutes: int = 120,
    signal: Signal | None = None,
    meets_at: datetime.datetime | None = None,
    meeting_place: str = "",
    meeting_link: str = "",
) -> Incident:
    """The RSIB activates joint mode: the chosen forums switch to their activated form, their
    actors are alerted, their seat holders get access, and the prepared direction (if any) is
    copied in as the starting point."""
    require(
        selectors.can_coordinate(activated_by),
        _("Only the RSIB on duty or the secretariat can activate joint mode."),
    )
    forums = list(forums)
    require(bool(forums), _("Choose at least one forum to activate."))
    require(bool(title.strip()), _("Give the incident a title."))
    if meeting_link:
        URLValidator(schemes=["http", "https"])(meeting_link)  # read by people from the alert
    if signal is not None:
        # Locked and read again: two activations of one signal at once (a double click, the
        # RSIB and the secretariat together) wait for each other, and the second one stops here.
        signal = Signal.objects.select_for_update().get(pk=signal.pk)
        require(signal.status == Signal.Status.NEW, _("The signal has already been handled."))
    if prepared_direction and event_type is None:
        event_type = prepared_direction.event_type
    incident = Incident.objects.create(
        title=title.strip(),
        event_type=event_type,
        is_exercise=is_exercise or bool(signal and signal.is_exercise),
        wis_link=wis_link,
        reporting_interval_minutes=reporting_interval_minutes,
        meets_at=meets_at,
        meeting_place=meeting_place.strip(),
        meeting_link=meeting_link,
        prepared_direction=prepared_direction,
        action_plan=prepared_direction.action_plan if prepared_direction else "",
        checklist=prepared_direction.checklist if prepared_direction else "",
        message_templates=prepared_direction.message_templates if prepared_direction else "",
        activated_at=timezone.now(),
        activated_by=activated_by,
        from_signal=signal,
    )
    incident.activated_forums.set(forums)
    incident.affected_municipalities.set(municipalities)
    if signal is not None:
        signal.status = Signal.Status.ACTIVATED
        signal.incident = incident
        signal.save(update_fields=["status", "incident"])
    from .checklist.services import checklist_create_from_text  # the live checklist's module

    checklist_create_from_text(incident=incident, text=incident.checklist)
    _set_forum_modes(forums)
    _alert_actors(incident, activated_by)
    incident_access_sync(incidents=[incident])
    alerts.alert_seats(incident)
    reach.alert_duty_addresses(incident)
    webhooks.incident_activated(incident)
    log(
        incident,
        activated_by,
        "activated",
        _("Joint mode activated: %(forums)s.")
        % {"forums": ", ".join(f.current_name for f in forums)},
    )
    if prepared_direction:
        log(
            incident,
            activated_by,
            "prepared_direction",
            _("Started from the prepared direction %(title)s.")
            % {"title": prepared_direction.title},
        )
    return incident


@transaction.atomic(durable=True)
def incident_forums_change(*, incident: Incident, forums: Iterable[Forum], by: Any) -> Incident:
    require(
        selectors.can_coordinate(by), _("Only the RSIB on duty or the secretariat can do this.")
    )
    require(incident.is_active, _("Only an activated incident can change its forums."))
    forums = set(forums)
    require(bool(forums), _("At least one forum must stay activated."))
    before = set(incident.activated_forums.all())
    incident.activated_forums.set(forums)
    _set_forum_modes(before | forums)
    _alert_actors(incident, by)
    incident_access_sync(incidents=[incident])
    alerts.alert_seats(incident)
    reach.alert_duty_addresses(incident)
    added, removed = forums - before, before - forums
    log(
        incident,
        by,
        "forums",
        _("Activated forums changed. Added: %(added)s. Removed: %(removed)s.")
        % {
            "added": ", ".join(f.current_name for f in added) or "–",
            "removed": ", ".join(f.name for f in removed) or "–",
        },
    )
    return incident


@transaction.atomic(durable=True)
def incident_deactivate(*, incident: Incident, by: Any) -> Incident:
    require(
        selectors.can_coordinate(by), _("Only the RSIB on duty or the secretariat can do this.")
    )
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    require(incident.is_active, _("Only an activated incident can be deactivated."))
    incident.status = Incident.Status.DEACTIVATED
    incident.deactivated_at = timezone.now()
    incident.save(update_fields=["status", "deactivated_at"])
    _set_forum_modes(incident.activated_forums.all())
    log(incident, by, "deactivated", _("Joint mode deactivated."))
    alerts.deactivated(incident)
    webhooks.incident_deactivated(incident)
    return incident


@transaction.atomic(durable=True)
def incident_follow_up(
    *, incident: Incident, by: Any, evaluation: str, lessons: str = "", actions: Iterable[dict] = ()
) -> FollowUp:
    require(
        selectors.can_coordinate(by), _("Only the RSIB on duty or the secretariat can do this.")
    )
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    require(
        incident.status == Incident.Status.DEACTIVATED,
        _("An incident is followed up after it has been deactivated, once."),
    )
    require(bool(evaluation.strip()), _("Write the evaluation."))
    follow_up = FollowUp.objects.create(
        incident=incident, evaluation=evaluation, lessons=lessons, created_by=by
    )
    for action in actions:
        FollowUpAction.objects.create(follow_up=follow_up, **action)
    incident.status = Incident.Status.FOLLOWED_UP
    incident.followed_up_at = timezone.now()
    incident.save(update_fields=["status", "followed_up_at"])
    log(incident, by, "followed_up", _("Followed up."))
    return follow_up


@transaction.atomic(durable=True)
def follow_up_action_set_status(*, action: FollowUpAction, status: str, by: Any) -> FollowUpAction:
    """Track a follow-up action to done (or reopen it); the secretariat or the RSIB on duty."""
    require(
        selectors.can_coordinate(by), _("Only the RSIB on duty or the secretariat can do this.")
    )
    require(status in FollowUpAction.Status.values, _("Unknown status."))
    action = (
        FollowUpAction.objects.select_for_update().select_related("follow_up").get(pk=action.pk)
    )
    if action.status != status:
        action.status = status
        action.save(update_fields=["status"])
        log(
            action.follow_up.incident,
            by,
            "follow_up_action",
            _("Follow-up action %(action)s: %(status)s.")
            % {"action": action.title, "status": action.get_status_display()},
        )
    return action


@transaction.atomic(durable=True)
def log_note(*, incident: Incident, by: Any, text: str) -> LogEntry:
    require(bool(text.strip()), _("Write the note."))
    return log(incident, by, "note", text.strip())


# --- Actor status and reports ---------------------------------------------------------------


# Statuses that follow by themselves, in their order; any other was set by hand and stays.
@transaction.atomic(durable=True)
def actor_status_set(*, incident: Incident, actor: Actor, status: str, by: Any) -> ActorStatus:
    require(incident.is_active, _("The incident is not activated."))
    require(selectors.may_act_for(by, actor), _("You can set the status only of your own actor."))
    require(status in ActorStatus.Status.values, _("Unknown status."))
    row = ActorStatus.objects.create(incident=incident, actor=actor, status=status, set_by=by)
    log(
        incident,
        by,
        "status",
        _("%(actor)s: %(status)s.") % {"actor": actor.name, "status": row.get_status_display()},
    )
    return row


@transaction.atomic(durable=True)
def report_submit(
    *, incident: Incident, actor: Actor, submitted_by: Any, **fields: Any
) -> SituationReport:
    """A new version of the actor's situation report; never an edit of an earlier one."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    require(incident.is_active, _("Reports are submitted while the incident is activated."))
    require(
        selectors.may_act_for(submitted_by, actor), _("You can report only for your own actor.")
    )
    require(bool(fields.get("situation", "").strip()), _("Describe the current situation."))
    last = incident.reports.filter(actor=actor).aggregate(last=Max("version"))["last"] or 0
    report = SituationReport(
        incident=incident, actor=actor, version=last + 1, submitted_by=submitted_by, **fields
    )
    report.full_clean()
    report.save()
    actor_status_advance(
        incident=incident, actor=actor, to=ActorStatus.Status.REPORTING, by=submitted_by
    )
    log(
        incident,
        submitted_by,
        "report",
        _("%(actor)s reported (version %(version)s, %(impact)s).")
        % {"actor": actor.name, "version": report.version, "impact": report.get_impact_display()},
    )
    return report


# --- Directions -----------------------------------------------------------------------------


@transaction.atomic(durable=True)
def direction_issue(
    *, incident: Incident, text: str, by: Any, valid_until: datetime.datetime | None = None
) -> Direction:
    require(
        selectors.can_coordinate(by),
        _("Only the RSIB on duty or the secretariat can record directions."),
    )
    require(incident.is_active, _("The incident is not activated."))
    require(bool(text.strip()), _("Write the direction."))
    now = timezone.now()
    require(
        valid_until is None or valid_until > now, _("A direction must be valid into the future.")
    )
    direction = Direction.objects.create(
        incident=incident, text=text.strip(), decided_at=now, valid_until=valid_until, created_by=by
    )
    log(incident, by, "direction", _("Direction issued: %(text)s") % {"text": direction.text[:200]})
    alerts.direction_issued(direction)
    webhooks.direction_issued(direction)
    return direction


@transaction.atomic(durable=True)
def direction_acknowledge(
    *, direction: Direction, actor: Actor, by: Any
) -> DirectionAcknowledgement:
    require(selectors.may_act_for(by, actor), _("You can acknowledge only for your own actor."))
    # Two people of the actor clicking at the same moment: the second waits here for the first
    # to commit, then finds its acknowledgement (rather than failing on the unique constraint).
    Direction.objects.select_for_update().filter(pk=direction.pk).first()
    existing = DirectionAcknowledgement.objects.filter(direction=direction, actor=actor).first()
    require(
        existing is None,
        _("%(actor)s has already acknowledged this direction.") % {"actor": actor.name},
    )
    ack = DirectionAcknowledgement.objects.create(
        direction=direction, actor=actor, acknowledged_by=by
    )
    log(
        direction.incident,
        by,
        "acknowledgement",
        _("%(actor)s acknowledged a direction.") % {"actor": actor.name},
    )
    return ack


# --- Joint messages -------------------------------------------------------------------------


@transaction.atomic(durable=True)
def message_draft(
    *,
    incident: Incident,
    target_group: str,
    channel: str,
    text: str,
    senders: Iterable[Actor],
    by: Any,
) -> JointMessage:
    require(
        selectors.can_communicate(by),
        _("Only the RKK on duty or the secretariat drafts joint messages."),
    )
    require(incident.is_active, _("The incident is not activated."))
    senders = list(senders)
    require(bool(senders), _("Name at least one sending actor."))
    require(bool(text.strip()), _("Write the message."))
    message = JointMessage.objects.create(
        incident=incident,
        target_group=target_group,
        channel=channel,
        text=text.strip(),
        drafted_by=by,
    )
    for actor in senders:
        JointMessageSender.objects.create(message=message, actor=actor)
    log(
        incident, by, "message", _("Joint message drafted for %(group)s.") % {"group": target_group}
    )
    alerts.cosign_requested(message)
    return message


@transaction.atomic(durable=True)
def message_cosign(*, message: JointMessage, actor: Actor, by: Any) -> JointMessageSender:
    message = JointMessage.objects.select_for_update().get(pk=message.pk)
    require(message.status == JointMessage.Status.DRAFT, _("Only a draft can be co-signed."))
    require(selectors.may_act_for(by, actor), _("You can co-sign only for your own actor."))
    signature = message.signatures.filter(actor=actor).first()
    require(
        signature is not None,
        _("%(actor)s is not a sender of this message.") % {"actor": actor.name},
    )
    require(
        signature.signed_at is None, _("%(actor)s has already co-signed.") % {"actor": actor.name}
    )
    signature.signed_by = by
    signature.signed_at = timezone.now()
    signature.save(update_fields=["signed_by", "signed_at"])
    log(
        message.incident,
        by,
        "cosign",
        _("%(actor)s co-signed a joint message.") % {"actor": actor.name},
    )
    return signature


@transaction.atomic(durable=True)
def message_approve(*, message: JointMessage, by: Any) -> JointMessage:
    require(selectors.can_communicate(by), _("Only the RKK on duty or the secretariat approves."))
    message = JointMessage.objects.select_for_update().get(pk=message.pk)
    require(message.status == JointMessage.Status.DRAFT, _("Only a draft can be approved."))
    missing = [s.actor.name for s in message.signatures.select_related("actor") if not s.signed_at]
    require(
        not missing, _("Waiting for co-signing by: %(actors)s.") % {"actors": ", ".join(missing)}
    )
    message.status = JointMessage.Status.APPROVED
    message.save(update_fields=["status"])
    log(message.incident, by, "message", _("Joint message approved."))
    if message.revision > 1:
        message_notices.approved_again(message)  # the first approval's notice had the old text
    else:
        alerts.message_approved(message)
    return message


@transaction.atomic(durable=True)
def message_publish(*, message: JointMessage, by: Any) -> JointMessage:
    require(selectors.can_communicate(by), _("Only the RKK on duty or the secretariat publishes."))
    message = JointMessage.objects.select_for_update().get(pk=message.pk)
    require(
        message.status == JointMessage.Status.APPROVED,
        _("Only an approved message can be published."),
    )
    message.status = JointMessage.Status.PUBLISHED
    message.published_at = timezone.now()
    message.save(update_fields=["status", "published_at"])
    log(
        message.incident,
        by,
        "message",
        _("Joint message published to %(group)s.") % {"group": message.target_group},
    )
    return message


# --- Register -------------------------------------------------------------------------------


def register_rows(*, year: int | None = None, include_exercises: bool = True):
    # The signal is read for the gathering times (incidents.statistics).
    incidents = Incident.objects.select_related("event_type", "from_signal").prefetch_related(
        "activated_forums"
    )
    if year:
        incidents = incidents.filter(activated_at__year=year)
    if not include_exercises:
        incidents = incidents.filter(is_exercise=False)
    return incidents.order_by("-activated_at")


# --- Prepared directions --------------------------------------------------------------------


@transaction.atomic(durable=True)
def prepared_direction_save(
    *, instance: PreparedDirection | None = None, **data: Any
) -> PreparedDirection:
    """Edits change the library only: incidents keep the copy they started from."""
    direction = instance or PreparedDirection()
    for name, value in data.items():
        setattr(direction, name, value)
    direction.full_clean()
    direction.save()
    return direction


@transaction.atomic(durable=True)
def event_type_create(*, name: str, description: str = "") -> EventType:
    event_type = EventType(name=name.strip(), description=description)
    event_type.full_clean()
    event_type.save()
    return event_type


# --- Joint messages: corrections and withdrawal ---------------------------------------------


def message_may_change(user: Any, message: JointMessage) -> bool:
    """The drafter (even after their RKK shift) or whoever communicates now."""
    return message.drafted_by_id == getattr(user, "pk", None) or selectors.can_communicate(user)


@transaction.atomic(durable=True)
def message_update(
    *,
    message: JointMessage,
    target_group: str,
    channel: str,
    text: str,
    senders: Iterable[Actor],
    by: Any,
) -> JointMessage:
    """Correct a draft or an approved message. A new wording (text, target group or channel)
    clears every co-signature and asks the senders' people to sign again; a removed sender loses
    its row, an added one is asked to sign. An approved message that changes goes back to draft:
    its approval was of what it said and who said it."""
    require(
        message_may_change(by, message),
        _("Only the drafter, the RKK on duty or the secretariat can edit a joint message."),
    )
    message = (
        JointMessage.objects.select_for_update(of=("self",))
        .select_related("incident")
        .get(pk=message.pk)
    )
    require(message.is_open, _("Only a draft or an approved message can be edited."))
    require(message.incident.is_active, _("The incident is not activated."))
    senders = {actor.pk: actor for actor in senders}
    require(bool(senders), _("Name at least one sending actor."))
    require(bool(text.strip()), _("Write the message."))
    target_group, channel, text = target_group.strip(), channel.strip(), text.strip()
    reworded = (message.target_group, message.channel, message.text) != (
        target_group,
        channel,
        text,
    )
    signatures = {s.actor_id: s for s in message.signatures.all()}
    removed = [pk for pk in signatures if pk not in senders]
    added = [pk for pk in senders if pk not in signatures]
    if not (reworded or removed or added):
        return message
    message.signatures.filter(actor_id__in=removed).delete()
    for pk in added:
        JointMessageSender.objects.create(message=message, actor=senders[pk])
    if reworded:
        for signature in message.signatures.filter(signed_at__isnull=False):
            signature.signed_by = None
            signature.signed_at = None
            signature.save(update_fields=["signed_by", "signed_at"])
    was_approved = message.is_approved
    message.target_group, message.channel, message.text = target_group, channel, text
    message.status = JointMessage.Status.DRAFT
    message.revision += 1
    message.save(update_fields=["target_group", "channel", "text", "status", "revision"])
    if reworded:
        note = _("Joint message to %(group)s edited; the co-signatures were cleared.")
    else:
        note = _("Joint message to %(group)s: senders changed.")
    if was_approved:
        note += " " + _("Back to draft: it needs approval again.")
    log(message.incident, by, "message", note % {"group": message.target_group})
    if reworded:
        message_notices.sign_again(message, by=by)
    elif added:
        message_notices.sign_again(message, by=by, actor_ids=added)
    return message


@transaction.atomic(durable=True)
def message_withdraw(*, message: JointMessage, reason: str, by: Any) -> JointMessage:
    """Withdraw a draft or an approved message with a reason: it stays on the incident, marked,
    and is never published. The senders' people are told."""
    require(
        message_may_change(by, message),
        _("Only the drafter, the RKK on duty or the secretariat can withdraw a joint message."),
    )
    message = (
        JointMessage.objects.select_for_update(of=("self",))
        .select_related("incident")
        .get(pk=message.pk)
    )
    require(message.is_open, _("Only a draft or an approved message can be withdrawn."))
    require(bool(reason.strip()), _("Give the reason for the withdrawal."))
    message.status = JointMessage.Status.WITHDRAWN
    message.withdrawn_reason = reason.strip()
    message.withdrawn_by = by
    message.withdrawn_at = timezone.now()
    message.save(update_fields=["status", "withdrawn_reason", "withdrawn_by", "withdrawn_at"])
    log(
        message.incident,
        by,
        "message",
        _("Joint message to %(group)s withdrawn: %(reason)s")
        % {"group": message.target_group, "reason": message.withdrawn_reason},
    )
    message_notices.withdrawn(message, by=by)
    return message
