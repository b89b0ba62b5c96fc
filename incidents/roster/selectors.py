"""Roster queries: who is on duty at a moment, the gaps in the roster, the hours per actor."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor, Person
from core import auth_cache

from ..models import OnCallRole, Shift


def shifts_at(at: datetime.datetime | None = None) -> QuerySet[Shift]:
    at = at or timezone.now()
    return Shift.objects.filter(starts_at__lte=at, ends_at__gt=at).select_related(
        "person", "lending_actor"
    )


def on_duty(at: datetime.datetime | None = None) -> dict[str, Shift]:
    """The shift on duty per role at a moment (one query)."""
    return {shift.role: shift for shift in shifts_at(at).order_by("starts_at")}


# Written out once: the picture, start and incident pages ask it on every request (whether the
# member is the RSIB or RKK on duty), and building it through the ORM cost several times what
# PostgreSQL takes to answer it from the shift table's index.
_ON_DUTY_SQL = (
    f"SELECT 1 FROM {Shift._meta.db_table} s"
    f" JOIN {Person._meta.db_table} p ON s.person_id = p.id"
    " WHERE p.user_id = %s AND s.starts_at <= %s AND s.ends_at > %s AND s.role IN ({roles})"
    " LIMIT 1"
)


def is_on_duty_in(user: Any, roles: Iterable[str], at: datetime.datetime | None = None) -> bool:
    """Whether the user holds a shift in one of ``roles`` at a moment (one query)."""
    roles = list(roles)
    if not roles or not getattr(user, "is_authenticated", False):
        return False
    at = connection.ops.adapt_datetimefield_value(at or timezone.now())
    sql = _ON_DUTY_SQL.format(roles=", ".join(["%s"] * len(roles)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, at, at, *roles])
        return cursor.fetchone() is not None


def is_on_duty(user: Any, role: str, at: datetime.datetime | None = None) -> bool:
    return is_on_duty_in(user, [role], at)


# The header's "on duty now" line, the same on every page for everyone: cached until the next
# shift starts or ends, and at most this long (a person's new name or number shows within it).
# Any save or delete of a shift deletes it (``shift_written``, connected in IncidentsConfig).
ON_DUTY_CACHE_KEY = "roster:on-duty-banner"
ON_DUTY_CACHE_SECONDS = 60


@dataclass(frozen=True)
class OnDutyPerson:
    pk: int
    full_name: str
    mobile: str
    url: str

    def get_absolute_url(self) -> str:
        return self.url


@dataclass(frozen=True)
class OnDutyShift:
    """What the header shows of a shift on duty (picklable, for the cache)."""

    role: str
    person: OnDutyPerson


def on_duty_banner(at: datetime.datetime | None = None) -> list[OnDutyShift]:
    """The shift on duty per role now, as the header shows it: from the cache, else one query
    (which also finds the next shift to start, so the cache never outlives a change of duty)."""
    at = at or timezone.now()
    cached = cache.get(ON_DUTY_CACHE_KEY)
    if cached is not None and cached[0] <= at < cached[1]:
        return cached[2]
    horizon = at + datetime.timedelta(seconds=ON_DUTY_CACHE_SECONDS)
    shifts = (
        Shift.objects.filter(starts_at__lt=horizon, ends_at__gt=at)
        .select_related("person")
        .only(
            "role",
            "starts_at",
            "ends_at",
            "person__id",
            "person__first_name",
            "person__last_name",
            "person__mobile",
        )
        .order_by("starts_at")
    )
    current: dict[str, OnDutyShift] = {}
    valid_until = horizon
    for shift in shifts:
        if shift.starts_at > at:
            valid_until = min(valid_until, shift.starts_at)
            continue
        valid_until = min(valid_until, shift.ends_at)
        person = shift.person
        current[shift.role] = OnDutyShift(
            role=shift.role,
            person=OnDutyPerson(
                pk=person.pk,
                full_name=person.full_name,
                mobile=person.mobile,
                url=reverse("actors:person_detail", args=[person.pk]),
            ),
        )
    banner = list(current.values())
    timeout = (valid_until - at).total_seconds()
    if timeout >= 1:
        cache.set(ON_DUTY_CACHE_KEY, (at, valid_until, banner), timeout)
    return banner


def forget_on_duty_banner() -> None:
    """After a write to the roster: the next page reads who is on duty from the database. At the
    write and again after its commit (a page read in between may have cached the old)."""
    auth_cache.invalidate([ON_DUTY_CACHE_KEY])


def shift_written(sender, instance, update_fields=None, **kwargs) -> None:
    """Any shift saved or deleted, by a service, the admin or a command (the banner does not show
    the handover note)."""
    if update_fields and set(update_fields) == {"handover_note"}:
        return
    forget_on_duty_banner()


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


# The on-call roles whose staffing an actor may claim reimbursement for (seed 002): the regional
# collaboration and communication coordinators; not the TiB (Länsstyrelsen's own duty officer).
REIMBURSED_ROLES = (OnCallRole.RSIB, OnCallRole.RKK)


def rostered_hours(*, actor: Actor, year: int) -> Decimal:
    """Hours the actor's staff were rostered in RSIB and RKK shifts within the year (the
    membership app reads this through ``settings.MEMBERSHIP_ROSTERED_HOURS``)."""
    hours = sum(
        (
            Decimal(str(row_hours))
            for row_actor, role, row_hours in hours_per_actor(year=year)
            if row_actor.pk == actor.pk and role in REIMBURSED_ROLES
        ),
        Decimal("0"),
    )
    return hours.quantize(Decimal("0.01"))
