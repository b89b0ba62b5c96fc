"""Roster queries: who is on duty at a moment, the gaps in the roster, the hours per actor."""

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from actors.models import Actor

from ..models import Shift


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
