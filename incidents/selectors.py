"""Queries for activated mode: who is on duty, who is expected to report, the latest reports."""

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from actors.access import is_secretariat
from actors.models import Actor, Assignment, Person
from actors.selectors import current_assignments_q
from forums.models import Seat
from forums.selectors import seat_actors

from .models import (
    IMPACT_ORDER,
    ActorStatus,
    FollowUpAction,
    Incident,
    IncidentUserObjectPermission,
    LogEntry,
    OnCallRole,
    Shift,
    SituationPicture,
    SituationReport,
)

# --- Roster ---------------------------------------------------------------------------------


def shifts_at(at: datetime.datetime | None = None) -> QuerySet[Shift]:
    at = at or timezone.now()
    return Shift.objects.filter(starts_at__lte=at, ends_at__gt=at).select_related(
        "person", "lending_actor"
    )


def on_duty(at: datetime.datetime | None = None) -> dict[str, Shift]:
    """The shift on duty per role at a moment (one query)."""
    return {shift.role: shift for shift in shifts_at(at).order_by("starts_at")}


def is_on_duty(user: Any, role: str, at: datetime.datetime | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return shifts_at(at).filter(role=role, person__user=user).exists()


def coverage_gaps(
    *, role: str, start: datetime.datetime, end: datetime.datetime
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Periods between start and end when nobody holds the role."""
    shifts = Shift.objects.filter(role=role, ends_at__gt=start, starts_at__lt=end).order_by(
        "starts_at"
    )
    gaps, cursor = [], start
    for shift in shifts:
        if shift.starts_at > cursor:
            gaps.append((cursor, shift.starts_at))
        cursor = max(cursor, shift.ends_at)
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


def hours_per_actor(*, year: int) -> list[tuple[Actor, str, float]]:
    """(lending actor, role, hours) for shifts within the year (split at the year's edges)."""
    tz = timezone.get_current_timezone()
    # Year edges in local time, arithmetic in UTC (see Shift.hours).
    start = datetime.datetime(year, 1, 1, tzinfo=tz).astimezone(datetime.UTC)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=tz).astimezone(datetime.UTC)
    totals: dict[tuple[int, str], float] = defaultdict(float)
    actors: dict[int, Actor] = {}
    for shift in Shift.objects.filter(ends_at__gt=start, starts_at__lt=end).select_related(
        "lending_actor"
    ):
        ends, starts = (
            shift.ends_at.astimezone(datetime.UTC),
            shift.starts_at.astimezone(datetime.UTC),
        )
        seconds = (min(ends, end) - max(starts, start)).total_seconds()
        totals[(shift.lending_actor_id, shift.role)] += seconds / 3600
        actors[shift.lending_actor_id] = shift.lending_actor
    return sorted(
        ((actors[a], role, round(hours, 2)) for (a, role), hours in totals.items()),
        key=lambda row: (row[0].name, row[1]),
    )


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
    return (
        shifts_at().filter(role__in=[OnCallRole.RSIB, OnCallRole.RKK], person__user=user).exists()
    )


def incidents_visible_to(user: Any) -> QuerySet[Incident]:
    incidents = Incident.objects.select_related("event_type").order_by("-activated_at")
    if (
        is_secretariat(user)
        or shifts_at()
        .filter(role__in=[OnCallRole.RSIB, OnCallRole.RKK], person__user=user)
        .exists()
    ):
        return incidents
    return incidents.filter(
        incidentuserobjectpermission__user=user,
        incidentuserobjectpermission__permission__codename="view_incident",
    ).distinct()


def user_actors(user: Any) -> list[Actor]:
    """The actors a user speaks for: their employer and every actor where they hold (or
    deputise for) a function today."""
    if not getattr(user, "is_authenticated", False):
        return []
    person = Person.objects.filter(user=user).select_related("actor").first()
    if person is None:
        return []
    actors = {person.actor.pk: person.actor}
    for assignment in Assignment.objects.filter(
        current_assignments_q(timezone.localdate()), person=person
    ).select_related("actor_function__actor"):
        actors.setdefault(assignment.actor_function.actor_id, assignment.actor_function.actor)
    return list(actors.values())


# --- Reporting ------------------------------------------------------------------------------


def expected_actors(incident: Incident) -> list[Actor]:
    """Every actor that fills a seat in the incident's activated forums (they report); a
    constant number of queries whatever the number of forums."""
    seats = Seat.objects.filter(forum__incidents=incident).select_related("actor")
    actors = {actor.pk: actor for actor in seat_actors(seats)}
    return sorted(actors.values(), key=lambda a: a.name)


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
    incident: Incident, *, now: datetime.datetime | None = None
) -> list[ReportingRow]:
    """For every expected actor: its latest report, its age, its status and whether it is
    overdue against the rhythm the RSIB set (or the next report time it promised)."""
    now = now or timezone.now()
    reports = {r.actor_id: r for r in latest_reports(incident)}
    statuses = current_statuses(incident)
    rhythm = datetime.timedelta(minutes=incident.reporting_interval_minutes)
    rows = []
    actors = {a.pk: a for a in expected_actors(incident)}
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


@functools.cache
def _incident_for_picture_sql() -> str:
    tables = {
        "incident": Incident._meta.db_table,
        "picture": SituationPicture._meta.db_table,
        "report": SituationReport._meta.db_table,
        "status": ActorStatus._meta.db_table,
        "perm": IncidentUserObjectPermission._meta.db_table,
        "permission": Permission._meta.db_table,
    }
    newest_picture = (
        "(SELECT p.id FROM {picture} p WHERE p.incident_id = i.id AND p.audience = %s "
        "ORDER BY p.version DESC LIMIT 1)"
    )
    return (
        "SELECT i.*, "
        f"{newest_picture} AS full_pk, "
        f"{newest_picture} AS short_pk, "
        "(SELECT r.id FROM {report} r WHERE r.incident_id = i.id "
        "ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1) AS report_pk, "
        "(SELECT COUNT(*) FROM {status} s WHERE s.incident_id = i.id) AS status_count, "
        "EXISTS (SELECT 1 FROM {perm} o JOIN {permission} ap ON ap.id = o.permission_id "
        "WHERE o.content_object_id = i.id AND o.user_id = %s AND ap.codename = %s) "
        "AS user_may_view "
        "FROM {incident} i WHERE i.id = %s"
    ).format(**tables)


def incident_for_picture(pk: int, *, user: Any) -> Incident | None:
    """The incident with what tells whether its live picture changed, in one query: the newest
    picture per audience (``full_pk``, ``short_pk``), the newest report (``report_pk``), the
    number of status rows (``status_count``; statuses are only ever added), and whether the user
    holds ``view_incident`` on it (``user_may_view``; the rest of ``can_view_incident`` is for
    the caller).

    Every open picture page polls this every ten seconds, so it is plain SQL: the ORM spent four
    times longer building this query than the database spent answering it. Each subquery
    follows an index that starts with the incident (an ORDER BY id would walk the whole table's
    primary key back to an old incident)."""
    params = [
        SituationPicture.Audience.FULL,
        SituationPicture.Audience.SHORT,
        user.pk,
        "view_incident",
        pk,
    ]
    return next(iter(Incident.objects.raw(_incident_for_picture_sql(), params)), None)


def latest_pictures(incident: Incident) -> dict[str, SituationPicture]:
    newest = SituationPicture.objects.filter(
        incident=OuterRef("incident"), audience=OuterRef("audience")
    ).order_by("-version")
    pictures = SituationPicture.objects.filter(incident=incident).filter(
        version=Subquery(newest.values("version")[:1])
    )
    return {p.audience: p for p in pictures}


def reports_since(incident: Incident, since: datetime.datetime | None) -> QuerySet:
    reports = SituationReport.objects.filter(incident=incident).select_related("actor")
    if since:
        reports = reports.filter(submitted_at__gt=since)
    return reports.order_by("-submitted_at")


def municipality_impacts(pictures_snapshot: list[dict]) -> dict[str, str]:
    """Municipality code → impact level, from a picture's frozen actor snapshot."""
    impacts: dict[str, str] = {}
    for row in pictures_snapshot:
        for code in row.get("municipality_codes", []):
            level = row.get("impact")
            if level and IMPACT_ORDER.get(level, -1) > IMPACT_ORDER.get(impacts.get(code, ""), -1):
                impacts[code] = level
    return impacts


def incident_log(incident: Incident) -> QuerySet[LogEntry]:
    return incident.log.select_related("by").order_by("at", "pk")


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
