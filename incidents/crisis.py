"""The member's crisis view: for every active incident a member takes part in, what they should
do next — acknowledge the activation alert, report for their actor (when it is due, whether it
is overdue), read the newest situation picture, acknowledge the directions — read with a
constant number of queries whatever the number of incidents, directions and reports."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.db.models.signals import m2m_changed
from django.utils import timezone

from actors.models import Actor, Assignment, Person
from core import auth_cache
from forums.models import ClusterRepresentation, Seat
from forums.selectors import representatives_on, resolve_seats

from .models import (
    ActorAlert,
    ActorStatus,
    Direction,
    DirectionAcknowledgement,
    Incident,
    SeatAlert,
    SituationPicture,
    SituationReport,
)
from .selectors import incidents_visible_to, user_actors


@dataclass
class ReportStep:
    """My actor's next situation report: when it is due and whether it is late."""

    actor: Actor
    due: datetime.datetime
    overdue: bool
    latest: SituationReport | None
    status: ActorStatus | None


@dataclass
class DirectionStep:
    """A direction in force that some of my actors have not acknowledged yet."""

    direction: Direction
    actors: list[Actor]


@dataclass
class IncidentSteps:
    """One active incident as the member's start page shows it."""

    incident: Incident
    acknowledge: bool = False
    reports: list[ReportStep] = field(default_factory=list)
    picture: SituationPicture | None = None
    directions: list[DirectionStep] = field(default_factory=list)


def _involved(incident_ids: list[int], actor_ids: set[int]) -> dict[int, set[int]]:
    """Which of ``actor_ids`` each incident expects to report, as ``expected_actors`` counts them:
    the actors that fill a seat of an activated forum (a cluster seat: the municipality that
    represents the cluster today), and the affected municipalities. Three or four queries."""
    involved: dict[int, set[int]] = {pk: set() for pk in incident_ids}
    incidents_of_forum: dict[int, set[int]] = defaultdict(set)
    for incident_id, forum_id in Incident.activated_forums.through.objects.filter(
        incident_id__in=incident_ids
    ).values_list("incident_id", "forum_id"):
        incidents_of_forum[forum_id].add(incident_id)
    seats = list(
        Seat.objects.filter(forum_id__in=incidents_of_forum)
        .filter(Q(actor_id__in=actor_ids) | Q(cluster__isnull=False))
        .only("forum_id", "actor_id", "cluster_id")
    )
    cluster_ids = {s.cluster_id for s in seats if s.cluster_id}
    representatives = representatives_on(cluster_ids=cluster_ids) if cluster_ids else {}
    for seat in seats:
        actor_id = seat.actor_id
        if actor_id is None and seat.cluster_id in representatives:
            actor_id = representatives[seat.cluster_id].pk
        if actor_id in actor_ids:
            for incident_id in incidents_of_forum[seat.forum_id]:
                involved[incident_id].add(actor_id)
    for incident_id, actor_id in Incident.affected_municipalities.through.objects.filter(
        incident_id__in=incident_ids, actor_id__in=actor_ids
    ).values_list("incident_id", "actor_id"):
        involved[incident_id].add(actor_id)
    return involved


def _unacknowledged(incident_ids: list[int], actor_ids: set[int], user: Any) -> set[int]:
    """The incidents with an activation alert the user may acknowledge in the portal (what
    ``alerts.acknowledge_in_portal`` records): one to a seat they hold or deputise for, or one
    to the 24/7 address of an actor they speak for. Two to four queries."""
    waiting = set(
        ActorAlert.objects.filter(
            incident_id__in=incident_ids, acknowledged_at__isnull=True, actor_id__in=actor_ids
        ).values_list("incident_id", flat=True)
    )
    alerts = list(
        SeatAlert.objects.filter(incident_id__in=incident_ids, acknowledged_at__isnull=True)
        .filter(Q(actor_id__in=actor_ids) | Q(seat__cluster__isnull=False))
        .select_related("seat__actor", "seat__cluster", "seat__function")
    )
    if not alerts:
        return waiting
    resolved = resolve_seats([a.seat for a in alerts])
    return waiting | {
        alert.incident_id
        for alert, seat in zip(alerts, resolved, strict=True)
        if any(a.person.user_id == user.pk for a in seat.people)
    }


def _latest_reports(incident_ids: list[int], actor_ids: set[int]) -> dict:
    newest = SituationReport.objects.filter(
        incident=OuterRef("incident"), actor=OuterRef("actor")
    ).order_by("-version")
    reports = (
        SituationReport.objects.filter(incident_id__in=incident_ids, actor_id__in=actor_ids)
        .filter(version=Subquery(newest.values("version")[:1]))
        .only("incident_id", "actor_id", "version", "submitted_at", "next_report_due")
    )
    return {(r.incident_id, r.actor_id): r for r in reports}


def _current_statuses(incident_ids: list[int], actor_ids: set[int]) -> dict:
    newest = ActorStatus.objects.filter(
        incident=OuterRef("incident"), actor=OuterRef("actor")
    ).order_by("-set_at", "-pk")
    rows = ActorStatus.objects.filter(incident_id__in=incident_ids, actor_id__in=actor_ids).filter(
        pk=Subquery(newest.values("pk")[:1])
    )
    return {(row.incident_id, row.actor_id): row for row in rows}


def _newest_pictures(incident_ids: list[int]) -> dict[int, SituationPicture]:
    """The newest full version per incident, else the newest short one (as the picture page)."""
    newest = SituationPicture.objects.filter(
        incident=OuterRef("incident"), audience=OuterRef("audience")
    ).order_by("-version")
    pictures = (
        SituationPicture.objects.filter(incident_id__in=incident_ids)
        .filter(version=Subquery(newest.values("version")[:1]))
        .only("incident_id", "audience", "version", "published_at")
    )
    chosen: dict[int, SituationPicture] = {}
    for picture in pictures:
        if picture.audience == SituationPicture.Audience.FULL or picture.incident_id not in chosen:
            chosen[picture.incident_id] = picture
    return chosen


def _open_directions(
    incident_ids: list[int], actor_ids: set[int], now: datetime.datetime
) -> tuple[list[Direction], set[tuple[int, int]]]:
    directions = list(
        Direction.objects.filter(incident_id__in=incident_ids)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .order_by("-decided_at", "-pk")
    )
    acknowledged = set(
        DirectionAcknowledgement.objects.filter(
            direction__in=directions, actor_id__in=actor_ids
        ).values_list("direction_id", "actor_id")
    )
    return directions, acknowledged


def _report_step(
    incident: Incident,
    actor: Actor,
    latest: SituationReport | None,
    status: ActorStatus | None,
    now: datetime.datetime,
) -> ReportStep | None:
    """Due as ``reporting_overview`` counts it: a rhythm after activation or after the latest
    report, unless the report promised another time; none for an actor not involved."""
    if status is not None and status.status == ActorStatus.Status.NOT_INVOLVED:
        return None
    rhythm = datetime.timedelta(minutes=incident.reporting_interval_minutes)
    if latest is None:
        due = incident.activated_at + rhythm
    else:
        due = latest.next_report_due or latest.submitted_at + rhythm
    return ReportStep(actor=actor, due=due, overdue=now > due, latest=latest, status=status)


def next_steps_for(
    user: Any, *, now: datetime.datetime | None = None, actors: list[Actor] | None = None
) -> list[IncidentSteps]:
    """Every active incident the user may see, newest first, with their next steps in it.
    ``actors``: the user's ``user_actors`` when the caller has them already.

    A constant number of queries (about fifteen when an incident is active, three when none
    is): tested in tests/ssr_portal/test_home.py."""
    if not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    incidents = list(
        incidents_visible_to(user)
        .filter(status=Incident.Status.ACTIVATED)
        .order_by("-activated_at", "-pk")
    )
    if not incidents:
        return []
    ids = [i.pk for i in incidents]
    actors_by_pk = {a.pk: a for a in (user_actors(user) if actors is None else actors)}
    involved = _involved(ids, set(actors_by_pk)) if actors_by_pk else {pk: set() for pk in ids}
    mine = {actor_id for ids_ in involved.values() for actor_id in ids_}
    reports = _latest_reports(ids, set(actors_by_pk)) if actors_by_pk else {}
    for incident_id, actor_id in reports:
        involved[incident_id].add(actor_id)  # an actor that has reported takes part
        mine.add(actor_id)
    statuses = _current_statuses(ids, mine) if mine else {}
    unacknowledged = _unacknowledged(ids, set(actors_by_pk), user) if actors_by_pk else set()
    pictures = _newest_pictures(ids)
    directions, acknowledged = _open_directions(ids, mine, now) if mine else ([], set())
    directions_of: dict[int, list[Direction]] = defaultdict(list)
    for direction in directions:
        directions_of[direction.incident_id].append(direction)

    result = []
    for incident in incidents:
        steps = IncidentSteps(
            incident=incident,
            acknowledge=incident.pk in unacknowledged,
            picture=pictures.get(incident.pk),
        )
        taking_part = sorted((actors_by_pk[a] for a in involved[incident.pk]), key=lambda a: a.name)
        for actor in taking_part:
            key = (incident.pk, actor.pk)
            step = _report_step(incident, actor, reports.get(key), statuses.get(key), now)
            if step is not None:
                steps.reports.append(step)
        for direction in directions_of[incident.pk]:
            pending = [a for a in taking_part if (direction.pk, a.pk) not in acknowledged]
            if pending:
                steps.directions.append(DirectionStep(direction=direction, actors=pending))
        result.append(steps)
    return result


# --- The start page's copy in the cache -----------------------------------------------------
#
# The start page asks for the next steps on every visit; during an activation that is about
# fifteen queries. The steps are kept per user, stamped with two tokens (``core.auth_cache``):
# the user's (their permissions, groups, shifts, person) and one for the whole crisis state,
# deleted whenever a row the steps are read from is written: an incident or its forums and
# municipalities, a report, a status, a picture, a direction or its acknowledgement, an alert's
# acknowledgement, a seat, a cluster's representation, a person or an assignment. What moves
# with the clock alone (a report falling due, a direction running out) is worked out again from
# the copy at each read; what else moves with the clock (a shift or an assignment ending) is
# bounded by the copy's short life.

STEPS_SECONDS = 60
CRISIS_TOKEN_KEY = "crisis:token"


def _steps_key(user_id: Any) -> str:
    return f"crisis:steps:{user_id}"


def _as_of(steps: list[IncidentSteps], now: datetime.datetime) -> list[IncidentSteps]:
    """The copy brought to ``now``: whether each report is late, which directions still hold."""
    for incident_steps in steps:
        for report in incident_steps.reports:
            report.overdue = now > report.due
        incident_steps.directions = [
            step
            for step in incident_steps.directions
            if step.direction.valid_until is None or step.direction.valid_until > now
        ]
    return steps


def cached_next_steps_for(user: Any, *, actors: list[Actor] | None = None) -> list[IncidentSteps]:
    """``next_steps_for`` from the cache while nothing it rests on was written (one round trip
    to Redis), else from the database and kept. A user who did not come through the user cache
    (no token) is always answered from the database; so is everybody while Redis is down."""
    now = timezone.now()
    user_token = getattr(user, auth_cache.TOKEN_ATTRIBUTE, None)
    if user_token is None or not getattr(user, "is_authenticated", False):
        return next_steps_for(user, now=now, actors=actors)
    steps = auth_cache.read_through(
        _steps_key(user.pk),
        CRISIS_TOKEN_KEY,
        lambda: next_steps_for(user, now=now, actors=actors),
        seconds=STEPS_SECONDS,
        also=user_token,
    )
    return _as_of(steps, now)


def crisis_changed(*args: Any, **kwargs: Any) -> None:
    """Every member's cached next steps are read again (a receiver, and called by the services
    that write with ``update()``, which sends no signal)."""
    auth_cache.invalidate([CRISIS_TOKEN_KEY])


# The rows the steps are read from (``next_steps_for`` and the selectors it calls).
STEP_MODELS = (
    Incident,
    SituationReport,
    ActorStatus,
    SituationPicture,
    Direction,
    DirectionAcknowledgement,
    SeatAlert,
    ActorAlert,
    Seat,
    ClusterRepresentation,
    Person,
    Assignment,
)


def connect() -> None:
    auth_cache.on_write(crisis_changed, STEP_MODELS, uid="crisis")
    for relation in ("activated_forums", "affected_municipalities"):
        m2m_changed.connect(
            crisis_changed,
            sender=getattr(Incident, relation).through,
            dispatch_uid=f"crisis-incident-{relation}",
        )
