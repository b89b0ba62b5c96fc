"""Activated mode: incidents with statuses, reports, log entries, directions, joint messages and
published picture versions spread over their time, and the on-call roster around today."""

import datetime
import random
from collections import defaultdict

from django.contrib.auth.models import Permission
from django.utils import timezone

from actors.models import Actor, Assignment, Person
from actors.selectors import current_assignments_q
from forums.models import Forum, Mode, Seat
from forums.selectors import resolve_seats
from incidents.models import (
    ActorStatus,
    Direction,
    ImpactLevel,
    Incident,
    IncidentUserObjectPermission,
    JointMessage,
    LogEntry,
    OnCallRole,
    Shift,
    SituationPicture,
    SituationReport,
)

from .base import (
    ACTIVATED_FORUMS,
    BATCH,
    BENCH_INCIDENT_TITLE,
    Counts,
    bulk,
    copy_rows,
    given_timestamps,
    prose,
    spread,
)


def add_incidents(
    rng: random.Random,
    count: int,
    report_count: int,
    picture_count: int,
    forums: list[Forum],
    actors: list[Actor],
    people: list[Person],
    per_actor: int,
    coordinator,
    now: datetime.datetime,
    counts: Counts,
) -> None:
    municipal = [a for a in actors if a.is_municipality]
    incidents = []
    for i in range(count):
        active = i == 0 or i % 10 == 0
        activated_at = (
            now - datetime.timedelta(hours=6)
            if i == 0
            else now - datetime.timedelta(days=7 * i, hours=rng.randrange(24))
        )
        incidents.append(
            Incident(
                title=BENCH_INCIDENT_TITLE if i == 0 else f"Bänkhändelse {i:04d}",
                status=Incident.Status.ACTIVATED if active else Incident.Status.DEACTIVATED,
                is_exercise=i % 7 == 3,
                reporting_interval_minutes=120,
                action_plan=prose(rng, 3),
                activated_at=activated_at,
                activated_by=coordinator,
                deactivated_at=None if active else activated_at + datetime.timedelta(days=2),
            )
        )
    incidents = bulk(Incident, incidents, counts)

    seat_actors: dict[int, set[int]] = {}
    for seat in Seat.objects.filter(actor__isnull=False).values("forum_id", "actor_id"):
        seat_actors.setdefault(seat["forum_id"], set()).add(seat["actor_id"])
    actor_by_pk = {a.pk: a for a in actors}
    reporter = {a.pk: people[index * per_actor].user_id for index, a in enumerate(actors)}

    forum_links, municipality_links, activated_forum_ids = [], [], set()
    through_forums = Incident.activated_forums.through
    through_municipalities = Incident.affected_municipalities.through
    expected: dict[int, list[Actor]] = {}
    for i, incident in enumerate(incidents):
        chosen = (
            forums[:ACTIVATED_FORUMS]
            if i == 0
            else rng.sample(forums, min(ACTIVATED_FORUMS, len(forums)))
        )
        for forum in chosen:
            forum_links.append(through_forums(incident_id=incident.pk, forum_id=forum.pk))
            if incident.is_active:
                activated_forum_ids.add(forum.pk)
        for actor in rng.sample(municipal, min(5, len(municipal))):
            municipality_links.append(
                through_municipalities(incident_id=incident.pk, actor_id=actor.pk)
            )
        actor_ids = sorted({a for forum in chosen for a in seat_actors.get(forum.pk, ())})
        expected[incident.pk] = [actor_by_pk[a] for a in actor_ids]
    through_forums.objects.bulk_create(forum_links, batch_size=BATCH)
    through_municipalities.objects.bulk_create(municipality_links, batch_size=BATCH)
    Forum.objects.filter(pk__in=activated_forum_ids).update(mode=Mode.ACTIVATED)

    statuses, reports, log, pictures, directions, joint_messages = [], [], [], [], [], []
    per_incident_reports = spread(report_count, count)
    per_incident_pictures = spread(picture_count, count)
    impacts = ImpactLevel.values
    for i, incident in enumerate(incidents):
        start = incident.activated_at
        end = incident.deactivated_at or now - datetime.timedelta(minutes=5)
        span = (end - start).total_seconds()
        reporters = expected[incident.pk] or actors[:1]
        log.append(
            {
                "incident_id": incident.pk,
                "at": start,
                "by_id": coordinator.pk,
                "kind": "activated",
                "text": "Aktiverat.",
            }
        )
        for actor in reporters:
            statuses.append(
                {
                    "incident_id": incident.pk,
                    "actor_id": actor.pk,
                    "status": ActorStatus.Status.ALERTED,
                    "set_by_id": coordinator.pk,
                    "set_at": start,
                }
            )
            statuses.append(
                {
                    "incident_id": incident.pk,
                    "actor_id": actor.pk,
                    "status": rng.choice(
                        [ActorStatus.Status.ACTIVE, ActorStatus.Status.STANDING_BY]
                    ),
                    "set_by_id": coordinator.pk,
                    "set_at": start + datetime.timedelta(minutes=20),
                }
            )
        n_reports = per_incident_reports[i]
        latest_impact: dict[int, str] = {}
        for k in range(n_reports):
            actor = reporters[k % len(reporters)]
            at = start + datetime.timedelta(seconds=span * (k + 1) / (n_reports + 1))
            impact = rng.choice(impacts)
            latest_impact[actor.pk] = impact
            reports.append(
                {
                    "incident_id": incident.pk,
                    "actor_id": actor.pk,
                    "version": k // len(reporters) + 1,
                    "situation": prose(rng, 4),
                    "consequences": prose(rng, 2),
                    "actions_taken": prose(rng, 2),
                    "needs": prose(rng, 1),
                    "planned_actions": prose(rng, 1),
                    "impact": impact,
                    "next_report_due": at + datetime.timedelta(hours=2),
                    "submitted_by_id": reporter[actor.pk],
                    "submitted_at": at,
                }
            )
            log.append(
                {
                    "incident_id": incident.pk,
                    "at": at,
                    "by_id": reporter[actor.pk],
                    "kind": "report",
                    "text": f"{actor.name} rapporterade (version {k // len(reporters) + 1}).",
                }
            )
        for d in range(3):
            directions.append(
                Direction(
                    incident=incident,
                    text=f"Inriktning {d + 1}: {prose(rng, 2)}",
                    decided_at=start + datetime.timedelta(minutes=30 * (d + 1)),
                    created_by=coordinator,
                )
            )
        for m in range(2):
            joint_messages.append(
                JointMessage(
                    incident=incident,
                    target_group="Allmänheten" if m == 0 else "Berörda kommuner",
                    channel="Webb och sociala medier",
                    text=prose(rng, 2),
                    status=JointMessage.Status.PUBLISHED,
                    drafted_by=coordinator,
                    created_at=start + datetime.timedelta(minutes=40),
                    published_at=start + datetime.timedelta(minutes=60),
                )
            )
        n_pictures = per_incident_pictures[i]
        snapshot = [
            {
                "actor": actor.name,
                "actor_id": actor.pk,
                "municipality_codes": [actor.municipality_code] if actor.municipality_code else [],
                "status": ActorStatus.Status.ACTIVE,
                "impact": latest_impact.get(actor.pk, ""),
                "situation": prose(rng, 2),
                "needs": prose(rng, 1),
                "report_version": None,
                "reported_at": None,
            }
            for actor in reporters
        ]
        for p in range(n_pictures):
            audience = (
                SituationPicture.Audience.FULL if p % 2 == 0 else SituationPicture.Audience.SHORT
            )
            published_at = start + datetime.timedelta(seconds=span * (p + 1) / (n_pictures + 1))
            pictures.append(
                {
                    "incident_id": incident.pk,
                    "audience": audience,
                    "version": p // 2 + 1,
                    "summary": prose(rng, 6),
                    "needs_and_requests": prose(rng, 2),
                    "actor_snapshot": snapshot,
                    "directions_snapshot": [
                        {"text": f"Inriktning 1: {prose(rng, 1)}", "decided_at": None}
                    ],
                    "messages_snapshot": [
                        {"target_group": "Allmänheten", "channel": "Webb", "text": prose(rng, 1)}
                    ],
                    "published_by_id": coordinator.pk,
                    "published_at": published_at,
                    "announced_at": published_at,  # the history: announced long ago
                }
            )
    # The big append-only tables by COPY (rows as given, timestamps included).
    copy_rows(ActorStatus, statuses, counts)
    copy_rows(SituationReport, reports, counts)
    copy_rows(LogEntry, log, counts)
    copy_rows(SituationPicture, pictures, counts)
    with given_timestamps((JointMessage, "created_at")):
        bulk(Direction, directions, counts)
        bulk(JointMessage, joint_messages, counts)


def add_roster(rng: random.Random, people: list[Person], per_actor: int, now, days: int, counts):
    """Twelve-hour RSIB, RKK and TiB shifts around today (never the bench member)."""
    start = now.replace(hour=7, minute=0, second=0, microsecond=0) - datetime.timedelta(days=days)
    shifts = []
    for n in range(days * 4):
        starts = start + datetime.timedelta(hours=12 * n)
        for role in OnCallRole.values:
            person = people[rng.randrange(len(people))]
            shifts.append(
                Shift(
                    role=role,
                    person=person,
                    lending_actor_id=person.actor_id,
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=12),
                )
            )
    bulk(Shift, shifts, counts)


def grant_incident_access(counts: Counts) -> int:
    """``view_incident`` for every incident, by the rule of ``incident_access_sync`` (the seat
    holders and deputies of its activated forums and the people of its affected
    municipalities) but for all incidents at once: the service takes ten queries per incident,
    which at scale 10 (500 incidents) was most of the seed. The seats are resolved by the
    portal's own ``resolve_seats``; the tests check that ``incident_access_sync`` afterwards
    finds nothing to grant or withdraw."""
    permission = Permission.objects.get(
        content_type__app_label="incidents", codename="view_incident"
    )
    seats = Seat.objects.select_related("actor", "cluster", "function", "forum")
    by_forum: dict[int, set[int]] = defaultdict(set)
    for resolved in resolve_seats(seats):
        by_forum[resolved.seat.forum_id].update(
            a.person.user_id for a in resolved.people if a.person.user_id
        )
    by_actor: dict[int, set[int]] = defaultdict(set)
    people = Person.objects.filter(anonymised_at__isnull=True, user__isnull=False)
    for actor_id, user_id in people.values_list("actor_id", "user_id"):
        by_actor[actor_id].add(user_id)
    for actor_id, user_id in Assignment.objects.filter(
        current_assignments_q(timezone.localdate()),
        person__anonymised_at__isnull=True,
        person__user__isnull=False,
    ).values_list("actor_function__actor_id", "person__user_id"):
        by_actor[actor_id].add(user_id)
    wanted: dict[int, set[int]] = defaultdict(set)
    for incident_id, forum_id in Incident.activated_forums.through.objects.values_list(
        "incident_id", "forum_id"
    ):
        wanted[incident_id] |= by_forum[forum_id]
    for incident_id, actor_id in Incident.affected_municipalities.through.objects.values_list(
        "incident_id", "actor_id"
    ):
        wanted[incident_id] |= by_actor[actor_id]
    return copy_rows(
        IncidentUserObjectPermission,
        (
            {"content_object_id": incident_id, "user_id": user_id, "permission_id": permission.pk}
            for incident_id, users in sorted(wanted.items())
            for user_id in sorted(users)
        ),
        counts,
    )
