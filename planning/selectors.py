"""Queries the planning pages share: the plan overview with progress per goal area, the capability
matrix with gaps and trends, the network aggregate, and the lessons register."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Prefetch, QuerySet
from django.utils import timezone

from actors.models import Actor
from incidents.models import FollowUpAction
from incidents.selectors import follow_up_actions

from .models import (
    Activity,
    ActivityReport,
    ActivityStatus,
    Capability,
    Exercise,
    FollowUpActionLink,
    GoalArea,
    GoalPeriod,
    GoalPeriodVersion,
    LessonAction,
    MinimumLevel,
    OperationalPlan,
    SelfAssessment,
    SubCapability,
)

# --- Goals ----------------------------------------------------------------------------------


def goal_periods() -> QuerySet[GoalPeriod]:
    """Goal periods, latest first, each with ``version_count``."""
    return GoalPeriod.objects.annotate(version_count=Count("versions")).order_by("-start_year")


def version_with_areas(*, pk: int) -> GoalPeriodVersion:
    return (
        GoalPeriodVersion.objects.select_related("period", "decision__forum")
        .prefetch_related(
            Prefetch(
                "areas",
                queryset=GoalArea.objects.select_related("previous").order_by("position", "pk"),
            )
        )
        .get(pk=pk)
    )


# --- The operational plan -------------------------------------------------------------------


@dataclass
class AreaProgress:
    area: GoalArea
    activities: list[Activity] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.activities)

    def count(self, status: str) -> int:
        return sum(1 for a in self.activities if a.status == status)

    @property
    def done(self) -> int:
        return self.count(ActivityStatus.DONE)

    @property
    def ongoing(self) -> int:
        return self.count(ActivityStatus.ONGOING)

    @property
    def behind(self) -> int:
        """Not done although their end date has passed (and not cancelled)."""
        today = timezone.localdate()
        return sum(
            1
            for a in self.activities
            if a.ends_on < today and a.status not in (ActivityStatus.DONE, ActivityStatus.CANCELLED)
        )

    @property
    def percent_done(self) -> int:
        counted = [a for a in self.activities if a.status != ActivityStatus.CANCELLED]
        if not counted:
            return 0
        return round(
            100 * sum(1 for a in counted if a.status == ActivityStatus.DONE) / len(counted)
        )


def plan_detail(*, year: int) -> OperationalPlan:
    return OperationalPlan.objects.select_related(
        "goal_version__period",
        "adoption_decision__meeting",
        "adoption_decision__forum",
        "presented_at__forum",
    ).get(year=year)


def plan_overview(plan: OperationalPlan) -> list[AreaProgress]:
    """Every goal area of the plan's goals document with its activities (owner, forum and the
    latest report each), in a constant number of queries."""
    reports = ActivityReport.objects.select_related("reported_by").order_by("-reported_on", "-pk")
    activities = (
        plan.activities.select_related("owner", "forum", "goal_area")
        .prefetch_related(Prefetch("reports", queryset=reports, to_attr="report_list"))
        .order_by("starts_on", "pk")
    )
    rows = {
        area.pk: AreaProgress(area=area)
        for area in plan.goal_version.areas.order_by("position", "pk")
    }
    for activity in activities:
        activity.latest_report = activity.report_list[0] if activity.report_list else None
        rows[activity.goal_area_id].activities.append(activity)
    return list(rows.values())


def activity_detail(*, pk: int) -> Activity:
    return (
        Activity.objects.select_related("plan", "goal_area", "owner", "forum")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=ActivityReport.objects.select_related("reported_by").order_by(
                    "-reported_on", "-pk"
                ),
            )
        )
        .get(pk=pk)
    )


# --- Capabilities ---------------------------------------------------------------------------


def capabilities_with_subs() -> list[Capability]:
    return list(
        Capability.objects.prefetch_related(
            Prefetch("sub_capabilities", queryset=SubCapability.objects.order_by("position", "pk"))
        )
    )


def sub_capabilities() -> list[SubCapability]:
    return list(SubCapability.objects.select_related("capability"))


def minimum_levels(*, year: int) -> dict[int, int]:
    return dict(MinimumLevel.objects.filter(year=year).values_list("sub_capability_id", "level"))


@dataclass
class Cell:
    level: int | None
    minimum: int | None
    previous: int | None

    @property
    def below(self) -> bool:
        return self.level is not None and self.minimum is not None and self.level < self.minimum

    @property
    def went_up(self) -> bool:
        """Higher than last year's level."""
        return self.level is not None and self.previous is not None and self.level > self.previous

    @property
    def went_down(self) -> bool:
        return self.level is not None and self.previous is not None and self.level < self.previous


@dataclass
class MatrixRow:
    actor: Actor
    cells: list[Cell]

    @property
    def gaps(self) -> int:
        return sum(1 for c in self.cells if c.below)

    @property
    def missing(self) -> int:
        return sum(1 for c in self.cells if c.minimum is not None and c.level is None)


def _members_on(year: int) -> QuerySet[Actor]:
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (
        Actor.objects.exclude(member_since__gt=last)
        .exclude(member_until__lt=first)
        .order_by("name")
    )


def capability_matrix(
    *, year: int, gaps_only: bool = False
) -> tuple[list[SubCapability], list[MatrixRow]]:
    """Actors × sub-capabilities for a year against the minimum levels, each cell with last
    year's level for the trend. Four queries whatever the size."""
    subs = sub_capabilities()
    minimums = minimum_levels(year=year)
    for sub in subs:
        sub.minimum = minimums.get(sub.pk)
    levels: dict[tuple[int, int, int], int] = {
        (actor_id, sub_id, y): level
        for actor_id, sub_id, y, level in SelfAssessment.objects.filter(
            year__in=[year, year - 1]
        ).values_list("actor_id", "sub_capability_id", "year", "level")
    }
    rows = []
    for actor in _members_on(year):
        cells = [
            Cell(
                level=levels.get((actor.pk, sub.pk, year)),
                minimum=minimums.get(sub.pk),
                previous=levels.get((actor.pk, sub.pk, year - 1)),
            )
            for sub in subs
        ]
        row = MatrixRow(actor=actor, cells=cells)
        if not gaps_only or row.gaps:
            rows.append(row)
    return subs, rows


@dataclass
class TrendRow:
    sub_capability: SubCapability
    years: list[tuple[int, float | None, int, int]]  # year, average, assessed, below minimum


def capability_trends(*, years: Iterable[int]) -> list[TrendRow]:
    """Per sub-capability and year: the network's average level, how many assessed, and how
    many fell below that year's minimum."""
    years = sorted(years)
    subs = sub_capabilities()
    minimums = {
        (sub_id, y): level
        for sub_id, y, level in MinimumLevel.objects.filter(year__in=years).values_list(
            "sub_capability_id", "year", "level"
        )
    }
    stats: dict[tuple[int, int], dict[str, Any]] = defaultdict(lambda: {"levels": []})
    for sub_id, y, level in SelfAssessment.objects.filter(year__in=years).values_list(
        "sub_capability_id", "year", "level"
    ):
        stats[(sub_id, y)]["levels"].append(level)
    rows = []
    for sub in subs:
        cells = []
        for y in years:
            found = stats.get((sub.pk, y), {"levels": []})["levels"]
            minimum = minimums.get((sub.pk, y))
            below = sum(1 for level in found if minimum is not None and level < minimum)
            average = round(sum(found) / len(found), 1) if found else None
            cells.append((y, average, len(found), below))
        rows.append(TrendRow(sub_capability=sub, years=cells))
    return rows


@dataclass
class AggregateRow:
    sub_capability: SubCapability
    minimum: int | None
    own: SelfAssessment | None
    assessed: int
    average: float | None
    below: int
    below_names: list[str]


def actor_assessment(*, actor: Actor, year: int, with_names: bool) -> list[AggregateRow]:
    """An actor's own assessment for a year beside the network's aggregate; other actors' names
    only when the settings allow."""
    subs = sub_capabilities()
    minimums = minimum_levels(year=year)
    own = {a.sub_capability_id: a for a in SelfAssessment.objects.filter(actor=actor, year=year)}
    aggregate = {
        row["sub_capability_id"]: row
        for row in SelfAssessment.objects.filter(year=year)
        .values("sub_capability_id")
        .annotate(assessed=Count("pk"), average=Avg("level"))
    }
    below: dict[int, list[str]] = defaultdict(list)
    for sub_id, level, name in SelfAssessment.objects.filter(year=year).values_list(
        "sub_capability_id", "level", "actor__name"
    ):
        minimum = minimums.get(sub_id)
        if minimum is not None and level < minimum:
            below[sub_id].append(name)
    rows = []
    for sub in subs:
        stats = aggregate.get(sub.pk, {})
        rows.append(
            AggregateRow(
                sub_capability=sub,
                minimum=minimums.get(sub.pk),
                own=own.get(sub.pk),
                assessed=stats.get("assessed", 0),
                average=round(stats["average"], 1) if stats.get("average") is not None else None,
                below=len(below[sub.pk]),
                below_names=sorted(below[sub.pk]) if with_names else [],
            )
        )
    return rows


# --- Exercises and the lessons register -----------------------------------------------------


def exercise_list() -> QuerySet[Exercise]:
    """Exercises, latest first, each with ``actor_count`` (the actors taking part)."""
    return (
        Exercise.objects.select_related("incident")
        .annotate(actor_count=Count("actors"))
        .order_by("-starts_on", "pk")
    )


def exercise_detail(*, pk: int) -> Exercise:
    actions = LessonAction.objects.select_related(
        "owner", "capability", "goal_area", "prepared_direction"
    )
    return (
        Exercise.objects.select_related("incident")
        .prefetch_related(
            "actors",
            "functions",
            "capabilities",
            Prefetch("goal_areas", queryset=GoalArea.objects.select_related("version__period")),
            "lessons",
            Prefetch("lessons__actions", queryset=actions),
        )
        .get(pk=pk)
    )


@dataclass
class RegisterRow:
    source: str  # "exercise" or "incident"
    source_title: str
    source_url: str
    title: str
    owner: str
    owner_id: int | None
    due_on: datetime.date | None
    is_open: bool
    improves: list[str]
    action: Any

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < timezone.localdate()

    @property
    def from_exercise(self) -> bool:
        return self.source == "exercise"

    @property
    def from_incident(self) -> bool:
        return self.source == "incident"


def lessons_register(
    *, status: str = "", source: str = "", owner_ids: Iterable[int] | None = None
) -> list[RegisterRow]:
    """Actions from exercise lessons and from incident follow-ups, side by side (the latter read
    from the incidents app, not copied). Open ones first, by due date."""
    rows: list[RegisterRow] = []
    if source in ("", "exercise"):
        actions = LessonAction.objects.select_related(
            "lesson__exercise", "owner", "capability", "goal_area", "prepared_direction"
        )
        if status == "open":
            actions = actions.filter(status=LessonAction.Status.OPEN)
        elif status == "closed":
            actions = actions.filter(status=LessonAction.Status.DONE)
        if owner_ids is not None:
            actions = actions.filter(owner_id__in=list(owner_ids))
        for action in actions:
            exercise = action.lesson.exercise
            rows.append(
                RegisterRow(
                    source="exercise",
                    source_title=exercise.title,
                    source_url=exercise.get_absolute_url(),
                    title=action.title,
                    owner=action.owner_label,
                    owner_id=action.owner_id,
                    due_on=action.due_on,
                    is_open=action.is_open,
                    improves=[
                        str(x)
                        for x in (action.capability, action.goal_area, action.prepared_direction)
                        if x is not None
                    ],
                    action=action,
                )
            )
    if source in ("", "incident"):
        incident_status = {"open": "open", "closed": "done"}.get(status)
        actions = list(follow_up_actions(status=incident_status, owner_ids=owner_ids))
        links = {
            link.action_id: link
            for link in FollowUpActionLink.objects.filter(
                action_id__in=[a.pk for a in actions]
            ).select_related("capability", "goal_area")
        }
        for action in actions:
            incident = action.follow_up.incident
            link = links.get(action.pk)
            rows.append(
                RegisterRow(
                    source="incident",
                    source_title=str(incident),
                    source_url=incident.get_absolute_url(),
                    title=action.title,
                    owner=action.owner.name,
                    owner_id=action.owner_id,
                    due_on=action.due_on,
                    is_open=action.status == FollowUpAction.Status.OPEN,
                    improves=[
                        str(x)
                        for x in (
                            link and link.capability,
                            link and link.goal_area,
                            action.prepared_direction,
                        )
                        if x
                    ],
                    action=action,
                )
            )
    rows.sort(key=lambda r: (not r.is_open, r.due_on or datetime.date.max, r.title))
    return rows
