"""Queries for activated mode: who may coordinate and see an incident, who is expected to report,
the latest reports, the log and the follow-up actions (who is on duty: roster/selectors.py; the
situation picture's queries: picture/selectors.py)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from actors.models import Actor, Assignment, Person
from actors.selectors import current_assignments_q
from core.access import is_secretariat
from forums.models import Seat
from forums.selectors import forum_seats, resolve_seats, seat_actors

from .models import (
    COORDINATOR_ROLES,
    ActorStatus,
    FollowUpAction,
    Incident,
    IncidentUserObjectPermission,
    LogEntry,
    OnCallRole,
    SituationReport,
)
from .roster.selectors import is_on_duty, is_on_duty_in

# --- Access ---------------------------------------------------------------------------------


def can_coordinate(user: Any) -> bool:
    """The secretariat or the RSIB on duty: activates, publishes, steers the incident."""
    return is_secretariat(user) or is_on_duty(user, OnCallRole.RSIB)


def can_communicate(user: Any) -> bool:
    """The secretariat or the RKK on duty: drafts and publishes joint messages."""
    return is_secretariat(user) or is_on_duty(user, OnCallRole.RKK)


def can_view_incident(user: Any, incident: Incident) -> bool:
    """The secretariat, the RSIB/RKK on duty, and whoever holds ``view_incident`` on it (granted
    per user by ``incident_access_sync``; read from guardian's direct table in one query)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_secretariat(user):
        return True
    if IncidentUserObjectPermission.objects.filter(
        user=user, content_object=incident, permission__codename="view_incident"
    ).exists():
        return True
    return is_on_duty_in(user, COORDINATOR_ROLES)


def incidents_visible_to(user: Any) -> QuerySet[Incident]:
    incidents = Incident.objects.select_related("event_type").order_by("-activated_at")
    if is_secretariat(user) or is_on_duty_in(user, COORDINATOR_ROLES):
        return incidents
    return incidents.filter(
        incidentuserobjectpermission__user=user,
        incidentuserobjectpermission__permission__codename="view_incident",
    ).distinct()


def may_act_for(user: Any, actor: Actor) -> bool:
    """The RSIB/RKK on duty or the secretariat for any actor; a member for their own actors."""
    return can_coordinate(user) or actor in user_actors(user)


def user_actors(user: Any) -> list[Actor]:
    """The actors a user speaks for: their employer and every actor where they hold (or
    deputise for) a function today."""
    if not getattr(user, "is_authenticated", False):
        return []
    person = Person.objects.filter(user=user).select_related("actor").first()
    if person is None:
        return []
    return actors_spoken_for(
        person,
        Assignment.objects.filter(
            current_assignments_q(timezone.localdate()), person=person
        ).select_related("actor_function__actor"),
    )


def actors_spoken_for(person: Person, current: Iterable[Assignment]) -> list[Actor]:
    """``user_actors`` from a person (with their actor) and their current assignments (with
    ``actor_function__actor``) already loaded, as the start page has them."""
    actors = {person.actor.pk: person.actor}
    for assignment in current:
        actors.setdefault(assignment.actor_function.actor_id, assignment.actor_function.actor)
    return list(actors.values())


# --- Reporting ------------------------------------------------------------------------------


def expected_actors(incident: Incident) -> list[Actor]:
    """The involved actors, who are alerted and report: every actor that fills a seat in the
    incident's activated forums, and the affected municipalities chosen at activation (seat or
    not). A constant number of queries whatever the number of forums."""
    seats = Seat.objects.filter(forum__incidents=incident).select_related("actor")
    actors = {actor.pk: actor for actor in seat_actors(seats)}
    for municipality in incident.affected_municipalities.all():
        actors.setdefault(municipality.pk, municipality)
    return sorted(actors.values(), key=lambda a: a.name)


def municipality_people(incident: Incident) -> list[tuple[Person, Actor]]:
    """The people of the affected municipalities, with the municipality each speaks for: those
    it employs and those holding or deputising for one of its functions today (the people who
    speak for it in the portal, as ``user_actors`` has it). They see the incident, report for
    their municipality and receive its directions and pictures. Two queries."""
    municipalities = {m.pk: m for m in incident.affected_municipalities.all()}
    if not municipalities:
        return []
    found: dict[int, tuple[Person, Actor]] = {}
    for person in Person.objects.filter(
        actor_id__in=municipalities, anonymised_at__isnull=True
    ).order_by("last_name", "first_name", "pk"):
        found[person.pk] = (person, municipalities[person.actor_id])
    for assignment in (
        Assignment.objects.filter(
            current_assignments_q(timezone.localdate()),
            actor_function__actor_id__in=municipalities,
            person__anonymised_at__isnull=True,
        )
        .select_related("person", "actor_function")
        .order_by("person__last_name", "person__first_name", "pk")
    ):
        found.setdefault(
            assignment.person_id,
            (assignment.person, municipalities[assignment.actor_function.actor_id]),
        )
    return list(found.values())


def latest_reports(incident: Incident) -> QuerySet[SituationReport]:
    newest = SituationReport.objects.filter(
        incident=OuterRef("incident"), actor=OuterRef("actor")
    ).order_by("-version")
    return (
        SituationReport.objects.filter(incident=incident)
        .filter(version=Subquery(newest.values("version")[:1]))
        .select_related("actor")
    )


def current_statuses(incident: Incident) -> dict[int, ActorStatus]:
    newest = ActorStatus.objects.filter(
        incident=OuterRef("incident"), actor=OuterRef("actor")
    ).order_by("-set_at", "-pk")
    rows = ActorStatus.objects.filter(incident=incident).filter(
        pk=Subquery(newest.values("pk")[:1])
    )
    return {row.actor_id: row for row in rows}


@dataclass
class ReportingRow:
    actor: Actor
    report: SituationReport | None
    status: ActorStatus | None
    overdue: bool
    age: datetime.timedelta | None


def reporting_overview(
    incident: Incident,
    *,
    now: datetime.datetime | None = None,
    expected: list[Actor] | None = None,
) -> list[ReportingRow]:
    """For every expected actor: its latest report, its age, its status and whether it is
    overdue against the rhythm the RSIB set (or the next report time it promised).
    ``expected``: ``expected_actors(incident)`` when the caller has it already."""
    now = now or timezone.now()
    reports = {r.actor_id: r for r in latest_reports(incident)}
    statuses = current_statuses(incident)
    rhythm = datetime.timedelta(minutes=incident.reporting_interval_minutes)
    rows = []
    actors = {a.pk: a for a in (expected_actors(incident) if expected is None else expected)}
    for report in reports.values():
        actors.setdefault(report.actor_id, report.actor)
    for actor in sorted(actors.values(), key=lambda a: a.name):
        report = reports.get(actor.pk)
        status = statuses.get(actor.pk)
        if report is None:
            overdue = now - incident.activated_at > rhythm
            age = None
        else:
            due = report.next_report_due or report.submitted_at + rhythm
            overdue = now > due
            age = now - report.submitted_at
        if status and status.status == ActorStatus.Status.NOT_INVOLVED:
            overdue = False
        if not incident.is_active:
            overdue = False
        rows.append(ReportingRow(actor, report, status, overdue, age))
    return rows


def incident_log(incident: Incident) -> QuerySet[LogEntry]:
    return incident.log.select_related("by").order_by("at", "pk")


def acting_people(incident: Incident, actor_ids: Iterable[int]) -> dict[int, list[Assignment]]:
    """Per actor, the assignments of the people who act for it in the incident (the people
    ``user_actors`` lets act for it, with a login): the holders of its seats in the activated
    forums; for an actor without one there, the holders of its functions, else its deputies.
    An actor with nobody maps to an empty list. Anonymised people are left out."""
    wanted = set(actor_ids)
    seats = []
    for forum in incident.activated_forums.all():
        seats.extend(forum_seats(forum))
    chosen: dict[int, list[Assignment]] = {}
    for resolved in resolve_seats(seats):
        if resolved.actor and resolved.actor.pk in wanted:
            chosen.setdefault(resolved.actor.pk, []).extend(
                a for a in resolved.holders if a.person.user_id and not a.person.anonymised_at
            )
    rest = [pk for pk in wanted if not chosen.get(pk)]
    if rest:
        holders: dict[int, list[Assignment]] = {}
        deputies: dict[int, list[Assignment]] = {}
        for assignment in Assignment.objects.filter(
            current_assignments_q(timezone.localdate()),
            actor_function__actor_id__in=rest,
            person__user__isnull=False,
            person__anonymised_at__isnull=True,
        ).select_related("person", "actor_function"):
            target = holders if assignment.role == Assignment.Role.HOLDER else deputies
            target.setdefault(assignment.actor_function.actor_id, []).append(assignment)
        for pk in rest:
            chosen[pk] = holders.get(pk) or deputies.get(pk) or []
    return chosen


# --- Follow-up ------------------------------------------------------------------------------


def follow_up_actions(
    *, status: str | None = None, owner_ids: Iterable[int] | None = None
) -> QuerySet[FollowUpAction]:
    """The actions decided in incident follow-ups, with their incident, owner and prepared
    direction (the ordinary-mode lessons register reads them here)."""
    actions = FollowUpAction.objects.select_related(
        "follow_up__incident", "owner", "prepared_direction"
    ).order_by("due_on", "pk")
    if status:
        actions = actions.filter(status=status)
    if owner_ids is not None:
        actions = actions.filter(owner_id__in=list(owner_ids))
    return actions
