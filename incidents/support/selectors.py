"""Queries for requests for support: an incident's requests, who may answer or close one, the
needs in reports not yet turned into a request, and the snapshot frozen with a picture."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from actors.models import Actor

from .. import selectors as incident_selectors
from ..models import Incident, SituationReport, SupportRequest, SupportRequestEvent

OPEN_STATES = (SupportRequest.Status.OPEN, SupportRequest.Status.ACCEPTED)


def requests_of(incident: Incident, *, open_only: bool = False) -> QuerySet[SupportRequest]:
    """An incident's requests with who asked and who answered, and the addressed actors: a
    constant number of queries whatever the number of rows."""
    rows = (
        SupportRequest.objects.filter(incident=incident)
        .select_related("raised_by", "raised_by_actor", "answered_by_actor")
        .prefetch_related(Prefetch("addressed_actors", queryset=Actor.objects.order_by("name")))
        .order_by("-created_at", "-pk")
    )
    if open_only:
        rows = rows.filter(status__in=OPEN_STATES)
    return rows


def request_detail(pk: int) -> SupportRequest | None:
    return (
        SupportRequest.objects.select_related(
            "incident", "raised_by", "raised_by_actor", "answered_by_actor", "from_report__actor"
        )
        .prefetch_related(
            Prefetch("addressed_actors", queryset=Actor.objects.order_by("name")),
            Prefetch(
                "events",
                queryset=SupportRequestEvent.objects.select_related("by", "actor").order_by(
                    "at", "pk"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def is_overdue(request: SupportRequest, *, now: datetime.datetime | None = None) -> bool:
    """Still waiting (open, or accepted and not delivered) past the time it was needed by."""
    now = now or timezone.now()
    return request.status in OPEN_STATES and request.needed_by < now


def _reported_or_given_status(incident: Incident, *, among: set[int] | None = None) -> set[int]:
    """The actors that reported or were given a status in the incident (each once, however
    many reports: two queries), or those of ``among`` that did."""
    found: set[int] = set()
    for rows in (incident.reports, incident.actor_statuses):
        query = rows.order_by()
        if among is not None:
            query = query.filter(actor_id__in=among)
        found |= set(query.values_list("actor_id", flat=True).distinct())
    return found


def participating_actors(incident: Incident, *, expected: list[Actor] | None = None) -> list[Actor]:
    """The actors taking part: the involved actors (seats in the activated forums, affected
    municipalities) and any actor that has reported or been given a status in the incident.
    ``expected``: ``expected_actors(incident)`` when the caller has it already."""
    if expected is None:
        expected = incident_selectors.expected_actors(incident)
    actors = {a.pk: a for a in expected}
    missing = _reported_or_given_status(incident) - actors.keys()
    if missing:
        actors.update({a.pk: a for a in Actor.objects.filter(pk__in=missing)})
    return sorted(actors.values(), key=lambda a: a.name)


def raising_actors(
    user: Any,
    incident: Incident,
    *,
    mine: list[Actor] | None = None,
    expected: list[Actor] | None = None,
) -> list[Actor]:
    """The actors a user may raise a request for: their own that take part in the incident.
    ``mine`` (the user's ``user_actors``) and ``expected`` when the caller has them already."""
    if mine is None:
        mine = incident_selectors.user_actors(user)
    if not mine:
        return []
    if expected is None:
        expected = incident_selectors.expected_actors(incident)
    taking_part = {a.pk for a in expected}
    rest = {a.pk for a in mine} - taking_part
    if rest:
        taking_part |= _reported_or_given_status(incident, among=rest)
    return [a for a in mine if a.pk in taking_part]


def may_raise(
    user: Any,
    incident: Incident,
    *,
    coordinator: bool | None = None,
    mine: list[Actor] | None = None,
    expected: list[Actor] | None = None,
) -> bool:
    """Whether the user may raise a request in the incident; ``coordinator``, ``mine`` and
    ``expected`` as the incident page has them already (else read here)."""
    if not incident.is_active:
        return False
    if coordinator is None:
        coordinator = incident_selectors.can_coordinate(user)
    return coordinator or bool(raising_actors(user, incident, mine=mine, expected=expected))


def declined_actor_ids(request: SupportRequest) -> set[int]:
    return set(
        request.events.filter(action=SupportRequestEvent.Action.DECLINED).values_list(
            "actor_id", flat=True
        )
    )


def may_be_answered_by(request: SupportRequest, actor: Actor) -> bool:
    """Whether ``actor`` is asked: addressed, or (to anyone) taking part; never the asker."""
    if actor.pk == request.raised_by_actor_id:
        return False
    if request.to_anyone:
        return actor.pk in {a.pk for a in participating_actors(request.incident)}
    return request.addressed_actors.filter(pk=actor.pk).exists()


def answering_actors(user: Any, request: SupportRequest) -> list[Actor]:
    """The actors for which ``user`` may still answer an open request: their own actors that
    are asked and have not declined it. The RSIB or the secretariat answers only for an actor
    they act for themselves."""
    if not request.is_open or not request.incident.is_active:
        return []
    declined = declined_actor_ids(request)
    return [
        actor
        for actor in incident_selectors.user_actors(user)
        if actor.pk not in declined and may_be_answered_by(request, actor)
    ]


def may_deliver(user: Any, request: SupportRequest) -> bool:
    return request.is_accepted and request.answered_by_actor_id in {
        a.pk for a in incident_selectors.user_actors(user)
    }


def may_close(user: Any, request: SupportRequest) -> bool:
    """The asker (the person, or anyone acting for the asking actor) or the RSIB/secretariat,
    while the request is still open or accepted."""
    if request.status not in OPEN_STATES:
        return False
    if incident_selectors.can_coordinate(user) or request.raised_by_id == user.pk:
        return True
    return request.raised_by_actor_id in {a.pk for a in incident_selectors.user_actors(user)}


def recipients_label(request: SupportRequest) -> str:
    """To whom, as the lists say it (addressed actors must be prefetched)."""
    from django.utils.translation import gettext as _

    if request.to_anyone:
        return str(_("Any actor taking part"))
    return ", ".join(a.name for a in request.addressed_actors.all())


def asker_label(request: SupportRequest) -> str:
    from django.utils.translation import gettext as _

    if request.raised_by_actor_id:
        return request.raised_by_actor.name
    return str(_("The RSIB / the secretariat"))


@dataclass
class NeedRow:
    """A need in an actor's newest report that no request was made of yet."""

    report: SituationReport
    actor: Actor


def needs_without_request(incident: Incident) -> list[NeedRow]:
    """The actors' newest reports with needs text that no request was raised from."""
    reports = [r for r in incident_selectors.latest_reports(incident) if r.needs.strip()]
    used = set(
        SupportRequest.objects.filter(from_report_id__in=[r.pk for r in reports]).values_list(
            "from_report_id", flat=True
        )
    )
    return sorted(
        (NeedRow(report=r, actor=r.actor) for r in reports if r.pk not in used),
        key=lambda row: row.actor.name,
    )


def snapshot(incident: Incident) -> list[dict]:
    """The open requests (open or accepted) as frozen with a published picture: who asks whom
    for what, since when, in what state."""
    return [
        {
            "title": r.title,
            "kind": r.kind,
            "priority": r.priority,
            "status": r.status,
            "from": asker_label(r),
            "to": recipients_label(r),
            "accepted_by": r.answered_by_actor.name if r.answered_by_actor_id else "",
            "partial": r.partial,
            "raised_at": r.created_at.isoformat(),
            "needed_by": r.needed_by.isoformat(),
        }
        for r in requests_of(incident, open_only=True).order_by("created_at", "pk")
    ]


@dataclass
class FollowUpRow:
    request: SupportRequest
    to_answer: datetime.timedelta | None
    to_deliver: datetime.timedelta | None


def follow_up_rows(incident: Incident) -> list[FollowUpRow]:
    """Every request of the incident with its final state and the time it took to be
    accepted and delivered (counted from when it was raised)."""
    rows = []
    for r in requests_of(incident).order_by("created_at", "pk"):
        rows.append(
            FollowUpRow(
                request=r,
                to_answer=r.answered_at - r.created_at if r.answered_at else None,
                to_deliver=r.delivered_at - r.created_at if r.delivered_at else None,
            )
        )
    return rows


def open_requests(incident: Incident, *, now: datetime.datetime | None = None) -> list:
    """The open and accepted requests, oldest first, each marked ``overdue``."""
    now = now or timezone.now()
    rows = list(requests_of(incident, open_only=True).order_by("created_at", "pk"))
    for row in rows:
        row.overdue = is_overdue(row, now=now)
    return rows


def picture_panel(incident: Incident) -> dict[str, Any]:
    """What the live picture shows of requests: the open ones with their age, and the needs
    in the newest reports that no request was made of yet (shared by every viewer: nothing in
    it depends on who looks)."""
    return {
        "requests": open_requests(incident),
        "needs": needs_without_request(incident) if incident.is_active else [],
    }
