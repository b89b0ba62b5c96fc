"""Every step of a request for support: raised, accepted (wholly or partly), declined,
delivered, closed, expired. Each writes a step (``SupportRequestEvent``), a line in the
incident log and its notifications, in one transaction; the status is checked under a row lock,
so two actors accepting at once cannot both win."""

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Actor
from core.rules import require

from .. import selectors as incident_selectors
from .. import webhooks
from ..models import Incident, SituationReport, SupportRequest, SupportRequestEvent
from ..timeline import log
from . import notify, selectors

logger = logging.getLogger(__name__)

LOG_KIND = "request"


def _event(
    request: SupportRequest, action: str, *, by: Any, actor: Actor | None, note: str = ""
) -> SupportRequestEvent:
    return SupportRequestEvent.objects.create(
        request=request, action=action, by=by, actor=actor, note=note
    )


def _locked(request: SupportRequest) -> SupportRequest:
    # No join to the actors: a row re-read after waiting for the lock has its new foreign keys,
    # but a join would still show the actors as they were in the snapshot (none).
    return (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("incident")
        .get(pk=request.pk)
    )


@transaction.atomic(durable=True)
def support_request_raise(
    *,
    incident: Incident,
    by: Any,
    actor: Actor | None,
    kind: str,
    title: str,
    needed_by: datetime.datetime,
    description: str = "",
    addressed: Iterable[Actor] = (),
    to_anyone: bool = False,
    priority: str = SupportRequest.Priority.NORMAL,
    from_report: SituationReport | None = None,
) -> SupportRequest:
    """An actor (``actor``), or the RSIB/secretariat for the network (``actor`` None), asks
    some actors taking part, or any of them, for support."""
    require(incident.is_active, _("Requests are raised while the incident is activated."))
    if actor is None:
        require(
            incident_selectors.can_coordinate(by),
            _("Choose the actor you ask for; only the RSIB or the secretariat asks for nobody."),
        )
    else:
        require(
            actor.pk in {a.pk for a in incident_selectors.user_actors(by)},
            _("You can raise a request only for your own actor."),
        )
    require(bool(title.strip()), _("Say what is needed."))
    require(kind in SupportRequest.Kind.values, _("Unknown kind of request."))
    require(priority in SupportRequest.Priority.values, _("Unknown priority."))
    require(needed_by > timezone.now(), _("The time it is needed by must be in the future."))
    addressed = list(addressed)
    taking_part = {a.pk for a in selectors.participating_actors(incident)}
    if actor is not None:
        require(actor.pk in taking_part, _("Your actor does not take part in this incident."))
    require(
        to_anyone or bool(addressed),
        _("Choose the actors you ask, or ask any actor taking part."),
    )
    if to_anyone:
        addressed = []
    outside = [a.name for a in addressed if a.pk not in taking_part]
    require(
        not outside,
        _("Not taking part in this incident: %(actors)s.") % {"actors": ", ".join(outside)},
    )
    require(
        actor is None or actor.pk not in {a.pk for a in addressed},
        _("An actor cannot ask itself."),
    )
    if from_report is not None:
        require(from_report.incident_id == incident.pk, _("The report is of another incident."))
    request = SupportRequest.objects.create(
        incident=incident,
        raised_by=by,
        raised_by_actor=actor,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        to_anyone=to_anyone,
        needed_by=needed_by,
        priority=priority,
        from_report=from_report,
    )
    request.addressed_actors.set(addressed)
    _event(request, SupportRequestEvent.Action.RAISED, by=by, actor=actor)
    log(
        incident,
        by,
        LOG_KIND,
        _("Request for support raised by %(asker)s to %(to)s: %(what)s (needed by %(when)s).")
        % {
            "asker": selectors.asker_label(request),
            "to": selectors.recipients_label(request),
            "what": request.title,
            "when": f"{timezone.localtime(needed_by):%Y-%m-%d %H:%M}",
        },
    )
    asked = notify.everyone_taking_part(request) if to_anyone else addressed
    notify.raised(request, asked)
    webhooks.support_request_addressed(request, asked)
    return request


def _require_may_answer(request: SupportRequest, actor: Actor, by: Any) -> None:
    require(request.incident.is_active, _("The incident is not activated."))
    require(
        actor.pk in {a.pk for a in incident_selectors.user_actors(by)},
        _("You can answer only for your own actor."),
    )
    require(
        selectors.may_be_answered_by(request, actor),
        _("%(actor)s is not asked in this request.") % {"actor": actor.name},
    )
    require(
        actor.pk not in selectors.declined_actor_ids(request),
        _("%(actor)s has already declined this request.") % {"actor": actor.name},
    )


def _require_open(request: SupportRequest) -> None:
    if request.is_accepted:  # the usual loser of a race: say who won
        raise ValidationError(
            _("%(actor)s has already accepted this request.")
            % {"actor": request.answered_by_actor.name}
        )
    require(
        request.is_open,
        _("The request is no longer open (%(status)s).")
        % {"status": request.get_status_display().lower()},
    )


@transaction.atomic(durable=True)
def support_request_accept(
    *, request: SupportRequest, actor: Actor, by: Any, partial: bool = False, note: str = ""
) -> SupportRequest:
    """``actor`` takes the request on (``partial``: only part of it, said in ``note``). The
    first acceptance wins: the row is locked and its status read again."""
    request = _locked(request)
    _require_open(request)
    _require_may_answer(request, actor, by)
    note = note.strip()
    require(not partial or bool(note), _("Say what part you can deliver."))
    request.status = SupportRequest.Status.ACCEPTED
    request.answered_by_actor = actor
    request.partial = partial
    request.answer_note = note
    request.answered_at = timezone.now()
    request.save(
        update_fields=["status", "answered_by_actor", "partial", "answer_note", "answered_at"]
    )
    action = (
        SupportRequestEvent.Action.PARTLY_ACCEPTED
        if partial
        else SupportRequestEvent.Action.ACCEPTED
    )
    event = _event(request, action, by=by, actor=actor, note=note)
    text = (
        _("%(actor)s partly accepted the request %(what)s: %(note)s")
        if partial
        else _("%(actor)s accepted the request %(what)s.")
    )
    log(
        request.incident,
        by,
        LOG_KIND,
        text % {"actor": actor.name, "what": request.title, "note": note},
    )
    notify.answered(event)
    return request


@transaction.atomic(durable=True)
def support_request_decline(
    *, request: SupportRequest, actor: Actor, by: Any, note: str
) -> SupportRequest:
    """``actor`` cannot help. When every addressed actor has declined, the request is
    declined; a request to anyone stays open for the others."""
    request = _locked(request)
    _require_open(request)
    _require_may_answer(request, actor, by)
    note = note.strip()
    require(bool(note), _("Say why you decline."))
    event = _event(request, SupportRequestEvent.Action.DECLINED, by=by, actor=actor, note=note)
    log(
        request.incident,
        by,
        LOG_KIND,
        _("%(actor)s declined the request %(what)s: %(note)s")
        % {"actor": actor.name, "what": request.title, "note": note},
    )
    if not request.to_anyone:
        addressed = set(request.addressed_actors.values_list("pk", flat=True))
        if addressed <= selectors.declined_actor_ids(request):
            request.status = SupportRequest.Status.DECLINED
            request.ended_at = timezone.now()
            request.save(update_fields=["status", "ended_at"])
            log(
                request.incident,
                None,
                LOG_KIND,
                _("Every asked actor declined the request %(what)s.") % {"what": request.title},
            )
    notify.answered(event)
    return request


@transaction.atomic(durable=True)
def support_request_deliver(*, request: SupportRequest, by: Any, note: str = "") -> SupportRequest:
    """The accepting actor has delivered."""
    request = _locked(request)
    require(
        request.status == SupportRequest.Status.ACCEPTED,
        _("Only an accepted request can be delivered."),
    )
    actor = request.answered_by_actor
    require(
        actor.pk in {a.pk for a in incident_selectors.user_actors(by)},
        _("Only %(actor)s, which accepted the request, can deliver it.") % {"actor": actor.name},
    )
    request.status = SupportRequest.Status.DELIVERED
    request.delivered_at = timezone.now()
    request.save(update_fields=["status", "delivered_at"])
    event = _event(
        request, SupportRequestEvent.Action.DELIVERED, by=by, actor=actor, note=note.strip()
    )
    log(
        request.incident,
        by,
        LOG_KIND,
        _("%(actor)s delivered the request %(what)s.")
        % {"actor": actor.name, "what": request.title},
    )
    notify.answered(event)
    return request


@transaction.atomic(durable=True)
def support_request_close(*, request: SupportRequest, by: Any, note: str = "") -> SupportRequest:
    """The asker or the RSIB/secretariat closes a request that is no longer needed (open or
    accepted and not delivered)."""
    request = _locked(request)
    require(
        request.status in selectors.OPEN_STATES,
        _("The request can no longer be closed (%(status)s).")
        % {"status": request.get_status_display().lower()},
    )
    require(
        selectors.may_close(by, request),
        _("Only the asker or the RSIB/secretariat can close the request."),
    )
    accepted_by = request.answered_by_actor if request.is_accepted else None
    request.status = SupportRequest.Status.CLOSED
    request.ended_at = timezone.now()
    request.save(update_fields=["status", "ended_at"])
    event = _event(
        request,
        SupportRequestEvent.Action.CLOSED,
        by=by,
        actor=request.raised_by_actor,
        note=note.strip(),
    )
    log(
        request.incident,
        by,
        LOG_KIND,
        _("The request %(what)s was closed.") % {"what": request.title},
    )
    notify.closed(event, accepted_by)
    return request


def support_requests_expire(*, now: datetime.datetime | None = None) -> int:
    """Open requests past the time they were needed by expire (the beat task, every few
    minutes). Each row is claimed under a lock and checked again, so a run beside another, or
    a repeated one, expires nothing twice. Returns how many expired."""
    now = now or timezone.now()
    expired = 0
    due = SupportRequest.objects.filter(
        status=SupportRequest.Status.OPEN, needed_by__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due[:500]):
        with transaction.atomic():
            request = (
                SupportRequest.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("incident")
                .filter(pk=pk, status=SupportRequest.Status.OPEN, needed_by__lte=now)
                .first()
            )
            if request is None:
                continue  # answered, closed or expired meanwhile, or another run has it
            request.status = SupportRequest.Status.EXPIRED
            request.ended_at = now
            request.save(update_fields=["status", "ended_at"])
            event = _event(request, SupportRequestEvent.Action.EXPIRED, by=None, actor=None)
            log(
                request.incident,
                None,
                LOG_KIND,
                _("The request %(what)s expired unanswered.") % {"what": request.title},
            )
            notify.answered(event)
            expired += 1
    if expired:
        logger.info("%s requests for support expired.", expired)
    return expired
