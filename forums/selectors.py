"""Who sits in a forum today, derived from seats, cluster representation and assignments."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from actors.models import Actor, ActorFunction, Assignment
from actors.selectors import HOLDERS_FIRST, current_assignments_q
from core.access import is_secretariat

from .models import (
    ActionItem,
    AgendaItem,
    ClusterRepresentation,
    Decision,
    Forum,
    Meeting,
    Minutes,
    Seat,
)

VIEW_FORUM = "view_forum"


@dataclass
class ResolvedSeat:
    """A seat with the actor that fills it on a day and the people holding its function."""

    seat: Seat
    actor: Actor | None
    holders: list[Assignment] = field(default_factory=list)
    deputies: list[Assignment] = field(default_factory=list)

    @property
    def is_vacant(self) -> bool:
        return not self.holders

    @property
    def people(self) -> list[Assignment]:
        return self.holders + self.deputies


def _day(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def representatives_on(
    *, cluster_ids: Iterable[int], on: datetime.date | None = None
) -> dict[int, Actor]:
    """The municipality representing each cluster on a day (one query)."""
    day = _day(on)
    representations = (
        ClusterRepresentation.objects.filter(current_assignments_q(day), cluster_id__in=cluster_ids)
        .select_related("municipality")
        .order_by("cluster_id", "-starts_on")
    )
    result: dict[int, Actor] = {}
    for representation in representations:
        result.setdefault(representation.cluster_id, representation.municipality)
    return result


def seat_actors(seats: Iterable[Seat], *, on: datetime.date | None = None) -> list[Actor]:
    """The actors that fill the seats on a day (a cluster seat: its representing municipality),
    without looking up the people: one query for the clusters' representatives, if any.

    ``seats`` should come with ``actor`` selected.
    """
    seats = list(seats)
    cluster_ids = {s.cluster_id for s in seats if s.cluster_id}
    representatives = representatives_on(cluster_ids=cluster_ids, on=on) if cluster_ids else {}
    actors = (s.actor if s.actor_id else representatives.get(s.cluster_id) for s in seats)
    return [actor for actor in actors if actor is not None]


def resolve_seats(seats: Iterable[Seat], *, on: datetime.date | None = None) -> list[ResolvedSeat]:
    """Resolve seats to actors and current holders with a constant number of queries.

    ``seats`` should come with ``actor``, ``cluster`` and ``function`` selected.
    """
    day = _day(on)
    seats = list(seats)
    representatives = representatives_on(
        cluster_ids={s.cluster_id for s in seats if s.cluster_id}, on=day
    )
    resolved = [
        ResolvedSeat(seat=s, actor=s.actor if s.actor_id else representatives.get(s.cluster_id))
        for s in seats
    ]
    pairs = {(r.actor.pk, r.seat.function_id) for r in resolved if r.actor}
    if not pairs:
        return resolved
    assignments = (
        Assignment.objects.filter(
            current_assignments_q(day),
            actor_function__actor_id__in={actor_id for actor_id, _f in pairs},
            actor_function__function_id__in={function_id for _a, function_id in pairs},
        )
        .select_related("person", "actor_function")
        .order_by(HOLDERS_FIRST, "starts_on", "person__last_name")
    )
    by_pair: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        key = (assignment.actor_function.actor_id, assignment.actor_function.function_id)
        if key in pairs:
            by_pair[key].append(assignment)
    for r in resolved:
        if r.actor is None:
            continue
        for assignment in by_pair.get((r.actor.pk, r.seat.function_id), []):
            target = r.holders if assignment.role == Assignment.Role.HOLDER else r.deputies
            target.append(assignment)
    return resolved


def forum_seats(forum: Forum) -> QuerySet[Seat]:
    return forum.seats.select_related("actor", "cluster", "function", "forum").order_by(
        "cluster__name", "actor__name", "function__name"
    )


def forum_composition(*, forum: Forum, on: datetime.date | None = None) -> list[ResolvedSeat]:
    """The forum's seats as they apply in its current mode, resolved to people."""
    seats = [s for s in forum_seats(forum) if s.applies_to(forum.mode)]
    return resolve_seats(seats, on=on)


def access_pairs(
    *,
    forum_ids: Iterable[int] | None = None,
    user_ids: Iterable[int] | None = None,
    on: datetime.date | None = None,
) -> set[tuple[int, int]]:
    """(user id, forum id) for everyone who holds or deputises for a seat on a day.

    Seats count whatever mode they apply in: a forum's members may read it in either mode.
    """
    seats = Seat.objects.filter(forum__is_active=True).select_related(
        "actor", "cluster", "function"
    )
    if forum_ids is not None:
        seats = seats.filter(forum_id__in=list(forum_ids))
    pairs = set()
    wanted = set(user_ids) if user_ids is not None else None
    for resolved in resolve_seats(seats, on=on):
        for assignment in resolved.people:
            user_id = assignment.person.user_id
            if user_id and (wanted is None or user_id in wanted):
                pairs.add((user_id, resolved.seat.forum_id))
    return pairs


def forums_visible_to(user) -> QuerySet[Forum]:
    """Forums the user may open: all for the secretariat, else those they hold a seat in."""
    if is_secretariat(user):
        return Forum.objects.select_related("level", "parent").order_by("level__position", "name")
    return forums_seated_in(user)


def forums_seated_in(user) -> QuerySet[Forum]:
    """Forums the user holds or deputises a seat in (the ``view_forum`` grants that
    ``forum_access_sync`` keeps), whatever their role."""
    forums = Forum.objects.select_related("level", "parent").order_by("level__position", "name")
    return forums.filter(
        forumuserobjectpermission__user=user,
        forumuserobjectpermission__permission__codename=VIEW_FORUM,
    ).distinct()


def forum_meetings(*, forum: Forum) -> tuple[list[Meeting], list[Meeting]]:
    """Upcoming (soonest first) and past (latest first) meetings of a forum."""
    now = timezone.now()
    meetings = forum.meetings.select_related("minutes").order_by("starts_at")
    upcoming = [m for m in meetings if m.ends_at >= now]
    past = [m for m in meetings if m.ends_at < now]
    past.reverse()
    return upcoming, past


def forum_decisions(*, forum: Forum) -> QuerySet[Decision]:
    return forum.decisions.select_related("meeting", "agenda_item").order_by("-year", "-number")


def forum_open_action_items(*, forum: Forum) -> QuerySet[ActionItem]:
    return forum.action_items.filter(status__in=ActionItem.OPEN_STATUSES).select_related(
        "owner", "meeting"
    )


def meeting_is_locked(meeting_id: int | None) -> bool:
    """Approved minutes lock the meeting and everything recorded in them (agenda, attendance,
    decisions, attachments, action items); asked of the database, never of a cached instance."""
    return meeting_id is not None and (
        Minutes.objects.filter(meeting_id=meeting_id, status=Minutes.Status.APPROVED).exists()
    )


def meeting_detail(*, pk: int) -> Meeting:
    return (
        Meeting.objects.select_related("forum", "forum__level", "minutes")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("presenter").prefetch_related(
                    "attachments"
                ),
            ),
            "attachments",
            Prefetch("decisions", queryset=Decision.objects.select_related("agenda_item")),
            Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
            "attendance",
        )
        .get(pk=pk)
    )


def meetings_for_user(user, *, upcoming_only: bool = False) -> QuerySet[Meeting]:
    meetings = Meeting.objects.filter(forum__in=forums_visible_to(user)).select_related("forum")
    if upcoming_only:
        meetings = meetings.filter(ends_at__gte=timezone.now(), status=Meeting.Status.PLANNED)
    return meetings.order_by("starts_at")


CALENDAR_FEED_PAST_DAYS = 365


def calendar_feed_meetings(user) -> QuerySet[Meeting]:
    """The meetings of a user's calendar feed: only the forums they hold a seat in, never every
    forum the secretariat may open. The feed is read without a login, by whoever has its address,
    so it carries no more than the person's own meetings (of the last year and ahead)."""
    since = timezone.now() - datetime.timedelta(days=CALENDAR_FEED_PAST_DAYS)
    return (
        Meeting.objects.filter(forum__in=forums_seated_in(user), starts_at__gte=since)
        .select_related("forum")
        .order_by("starts_at")
    )


def open_action_items_for_actor(*, actor: Actor) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(owner=actor, status__in=ActionItem.OPEN_STATUSES)
        .select_related("forum", "meeting")
        .order_by("due_on", "pk")
    )


def actor_has_function(*, actor: Actor, function_id: int) -> bool:
    return ActorFunction.objects.filter(actor=actor, function_id=function_id).exists()
