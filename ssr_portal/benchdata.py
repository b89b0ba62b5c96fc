"""The benchmark datasets (``manage.py seed_bench``), made with bulk inserts from a fixed seed.

Two datasets, each for an empty, migrated PostgreSQL database:

- ``seed_scaled(scale)``: the network at ``scale`` times 300 actors, 3,000 people (each with a
  login and a function), 60 forums, 50 incidents with 20,000 situation reports and 500 published
  picture versions, 1,000 invoices, a roster and an inbox. The first incident is activated and
  the bench member (``BENCH_USERNAME``) holds a seat in each of its activated forums.
- ``seed_invoice_run(actors)``: only what the annual invoice run needs, for ``actors`` members
  and two approved budget years (``INVOICE_RUN_YEARS``), so that the run can be timed twice.

Rows are bulk-inserted, so simple-history has no history rows for them; access (guardian's
forum and incident permissions) is derived by the same services the portal uses. Timestamps are
relative to the moment of seeding; everything else follows from the seed alone.
"""

import contextlib
import datetime
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone
from stdnum import luhn

from actors.models import (
    Actor,
    ActorFunction,
    Assignment,
    Function,
    MunicipalCluster,
    Person,
    PopulationFigure,
)
from forums.models import ClusterRepresentation, CollaborationLevel, Forum, Mode, Seat
from forums.services import forum_access_sync
from incidents.map import GEOJSON
from incidents.models import (
    ActorStatus,
    Direction,
    ImpactLevel,
    Incident,
    JointMessage,
    LogEntry,
    OnCallRole,
    Shift,
    SituationPicture,
    SituationReport,
)
from incidents.services import incident_access_sync
from membership.invoicing import ocr_reference
from membership.models import Agreement, FeeSchedule, Invoice, InvoiceCounter, InvoiceLine, Payment
from notifications.models import Channel, Notification

SEED = 20_261_122
BASE = {
    "actors": 300,
    "people": 3_000,
    "forums": 60,
    "incidents": 50,
    "reports": 20_000,
    "pictures": 500,
    "invoices": 1_000,
}
BENCH_USERNAME = "bench.medlem"
BENCH_INCIDENT_TITLE = "Bänkhändelse: långvarigt elavbrott i länet"
INVOICE_RUN_YEARS = (2026, 2027)
FUNCTIONS_PER_ACTOR = 5
SEATS_PER_FORUM = 8
ACTIVATED_FORUMS = 3
HISTORY_YEARS = (2023, 2024, 2025)
BATCH = 2_000

CLUSTERS = ["Norr", "Mitt", "Syd", "Stockholms stad"]
FUNCTIONS = [
    "Högsta tjänsteperson",
    "Säkerhetschef",
    "Kommunikationschef",
    "Tjänsteman i beredskap (TiB)",
    "Ledningscentral",
    "Beredskapssamordnare",
    "Informationssäkerhetsansvarig",
    "Krisledningschef",
]
LEVELS = [
    "Regionala rådet",
    "Regionalt inriktande",
    "Regionalt samordnande",
    "Verkställande",
]
OTHER_KINDS = [kind for kind in Actor.Kind.values if kind != Actor.Kind.MUNICIPALITY]
SENTENCES = [
    "Elavbrottet berör stora delar av kommunen och beräknas pågå under natten.",
    "Reservkraft är igång på äldreboenden och vårdcentraler; bränsle räcker i ett dygn.",
    "Kollektivtrafiken går med ersättningsbussar på de berörda sträckorna.",
    "Dricksvattenförsörjningen fungerar men trycket är lågt i höjdlägen.",
    "Trygghetspunkter öppnas i skolor och bibliotek från klockan 18.",
    "Vi behöver stöd med tankning av reservkraft och med kommunikation till allmänheten.",
    "Ledningscentralen har förstärkt bemanningen och följer läget löpande.",
    "Inga personskador har rapporterats men belastningen på larmcentralen är hög.",
    "Samverkan sker med elnätsbolaget om prioritering av samhällsviktig verksamhet.",
    "Skolor och förskolor håller öppet med begränsad verksamhet.",
]


@dataclass
class Counts:
    """What a dataset holds, for the command's output and for tests."""

    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, number: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + number


def planned_counts(scale: float) -> dict[str, int]:
    """The main counts at a scale: each at least 1 so that a tiny scale still has everything."""
    return {name: max(1, round(base * scale)) for name, base in BASE.items()}


def municipalities() -> list[tuple[str, str]]:
    """(code, name) of the county's 26 municipalities, from the map data."""
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    return [(f["properties"]["municipality_code"], f["properties"]["name"]) for f in features]


@contextlib.contextmanager
def given_timestamps(*model_fields: tuple[type[models.Model], str]) -> Iterator[None]:
    """Let bulk inserts keep the timestamps we give instead of ``auto_now_add``'s "now" (the
    data spans months; the append-only triggers forbid fixing them afterwards)."""
    fields = [model._meta.get_field(name) for model, name in model_fields]
    saved = [(f.auto_now_add, f.auto_now) for f in fields]
    for f in fields:
        f.auto_now_add = f.auto_now = False
    try:
        yield
    finally:
        for f, (add, now) in zip(fields, saved, strict=True):
            f.auto_now_add, f.auto_now = add, now


def _org_number(index: int) -> str:
    """A valid-looking Swedish organisation number (Luhn), unique per index."""
    body = f"2{index:08d}"
    digits = body + luhn.calc_check_digit(body)
    return f"{digits[:6]}-{digits[6:]}"


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(sentences))


def _bulk(model: type[models.Model], rows: list, counts: Counts) -> list:
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    counts.add(model._meta.model_name, len(created))
    return created


def _actors(count: int, clusters: list[MunicipalCluster], counts: Counts) -> list[Actor]:
    actors = []
    for index, (code, name) in enumerate(municipalities()[:count]):
        actors.append(
            Actor(
                name=f"{name} kommun",
                short_name=name,
                kind=Actor.Kind.MUNICIPALITY,
                municipality_code=code,
                cluster=clusters[index % len(clusters)],
            )
        )
    for index in range(len(actors), count):
        actors.append(
            Actor(
                name=f"Bänkaktör {index:05d}",
                short_name=f"BA{index:05d}",
                kind=OTHER_KINDS[index % len(OTHER_KINDS)],
            )
        )
    for index, actor in enumerate(actors):
        actor.org_number = _org_number(index)
        actor.member_since = datetime.date(2022, 1, 1)
        actor.invoice_address = f"Box {100 + index}\n111 {index % 90 + 10:02d} Stockholm"
        actor.invoice_email = f"faktura{index}@aktor{index}.example"
        actor.email = f"registrator{index}@aktor{index}.example"
    return _bulk(Actor, actors, counts)


def _population(actors: list[Actor], years: list[int], counts: Counts) -> None:
    rows = []
    for index, actor in enumerate(a for a in actors if a.is_municipality):
        for year in years:
            rows.append(
                PopulationFigure(
                    actor=actor,
                    reference_date=datetime.date(year, 12, 31),
                    inhabitants=20_000 + index * 7_919 + (year - 2020) * 311,
                    source="SCB (bänkdata)",
                )
            )
    _bulk(PopulationFigure, rows, counts)


def _membership_setup(actors: list[Actor], years: list[int], counts: Counts) -> None:
    """Agreements for every actor and an approved 2024-model schedule per year."""
    _bulk(
        Agreement,
        [
            Agreement(
                actor=actor,
                signed_on=datetime.date(2022, 3, 1),
                signatory_name="Bänk Undertecknare",
                buyer_reference=f"REF-{index:05d}",
            )
            for index, actor in enumerate(actors)
        ],
        counts,
    )
    schedules = _bulk(
        FeeSchedule,
        [
            FeeSchedule(
                year=year,
                decision_reference=f"Bänkbeslut {year}",
                approved_on=datetime.date(year - 1, 11, 15),
                approved_by_body="Regional chefsgrupp",
            )
            for year in years
        ],
        counts,
    )
    doubles = [a for a in actors if not a.is_municipality][:3]
    for schedule in schedules:
        schedule.double_fee_actors.set(doubles)
    _population(actors, [year - 1 for year in years], counts)


def seed_invoice_run(actor_count: int, *, seed: int = SEED) -> Counts:
    """Members for the annual invoice run alone: ``actor_count`` actors with agreements, invoice
    addresses and (municipalities) population figures, approved for ``INVOICE_RUN_YEARS``."""
    counts = Counts()
    with transaction.atomic():
        clusters = _bulk(MunicipalCluster, [MunicipalCluster(name=n) for n in CLUSTERS], counts)
        actors = _actors(actor_count, clusters, counts)
        _membership_setup(actors, list(INVOICE_RUN_YEARS), counts)
    _analyze()
    return counts


def _analyze() -> None:
    """Fresh planner statistics, as autovacuum would give a database that grew slowly; without
    them PostgreSQL plans the first queries on freshly bulk-loaded tables badly."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- The scaled network --------------------------------------------------------------------


def _people(
    rng: random.Random, actors: list[Actor], functions: list[Function], per_actor: int, counts
) -> tuple[dict[int, list[ActorFunction]], list[Person]]:
    """Functions per actor, ``per_actor`` people per actor with logins, each holding or
    deputising for one function of their employer."""
    actor_functions = []
    for actor in actors:
        for function_index in sorted(rng.sample(range(len(functions)), FUNCTIONS_PER_ACTOR)):
            actor_functions.append(
                ActorFunction(
                    actor=actor,
                    function=functions[function_index],
                    contact_email=f"funktion{function_index}@aktor{actor.pk}.example",
                )
            )
    actor_functions = _bulk(ActorFunction, actor_functions, counts)
    by_actor: dict[int, list[ActorFunction]] = {}
    for af in actor_functions:
        by_actor.setdefault(af.actor_id, []).append(af)

    users, people = [], []
    for actor_index, actor in enumerate(actors):
        for n in range(per_actor):
            number = actor_index * per_actor + n
            users.append(
                get_user_model()(
                    username=f"bank.{number:06d}",
                    first_name=f"Förnamn{number}",
                    last_name=f"Efternamn{number}",
                    password="!",  # no usable password: nobody logs in as them
                )
            )
            people.append(
                Person(
                    first_name=f"Förnamn{number}",
                    last_name=f"Efternamn{number}",
                    title="Handläggare",
                    actor=actor,
                    email=f"person{number}@aktor{actor_index}.example",
                )
            )
    users = _bulk(get_user_model(), users, counts)
    for person, user in zip(people, users, strict=True):
        person.user = user
    people = _bulk(Person, people, counts)

    assignments = []
    for actor_index, actor in enumerate(actors):
        staff = people[actor_index * per_actor : (actor_index + 1) * per_actor]
        functions_here = by_actor[actor.pk]
        for n, person in enumerate(staff):
            assignments.append(
                Assignment(
                    actor_function=functions_here[(n // 2) % len(functions_here)],
                    person=person,
                    role=Assignment.Role.HOLDER if n % 2 == 0 else Assignment.Role.DEPUTY,
                    starts_on=datetime.date(2023, 1, 1),
                )
            )
    _bulk(Assignment, assignments, counts)
    return by_actor, people


def _forums(
    rng: random.Random,
    count: int,
    actors: list[Actor],
    by_actor: dict[int, list[ActorFunction]],
    clusters: list[MunicipalCluster],
    functions: list[Function],
    counts: Counts,
) -> list[Forum]:
    levels = _bulk(
        CollaborationLevel,
        [CollaborationLevel(name=name, position=i) for i, name in enumerate(LEVELS)],
        counts,
    )
    kinds = Forum.Kind.values
    forums = _bulk(
        Forum,
        [
            Forum(
                name=f"Bänkforum {i:04d}",
                kind=kinds[i % len(kinds)],
                level=levels[i % len(levels)],
                purpose=_text(rng, 2),
                convening_actor=actors[rng.randrange(len(actors))],
                activated_name=f"Aktiverat bänkforum {i:04d}",
            )
            for i in range(count)
        ],
        counts,
    )
    seats = []
    for i, forum in enumerate(forums):
        chosen = rng.sample(range(len(actors)), min(SEATS_PER_FORUM, len(actors)))
        if i < ACTIVATED_FORUMS and 0 not in chosen:
            chosen[0] = 0  # the bench member's actor sits in the activated forums
        for position, actor_index in enumerate(chosen):
            actor = actors[actor_index]
            af = by_actor[actor.pk][0 if actor_index == 0 else position % FUNCTIONS_PER_ACTOR]
            seats.append(Seat(forum=forum, actor=actor, function_id=af.function_id))
        if i % 4 == 0:
            seats.append(
                Seat(forum=forum, cluster=clusters[i % len(clusters)], function=functions[0])
            )
    _bulk(Seat, seats, counts)
    representations = []
    for cluster in clusters:
        member = next((a for a in actors if a.cluster_id == cluster.pk), None)
        if member is not None:
            representations.append(
                ClusterRepresentation(
                    cluster=cluster, municipality=member, starts_on=datetime.date(2023, 1, 1)
                )
            )
    _bulk(ClusterRepresentation, representations, counts)
    return forums


def _bench_member(actors: list[Actor], by_actor, counts: Counts) -> Person:
    """The member the load test logs in as: holds the first function of the first actor, which
    has a seat in every forum the bench incident activates. Not on call, so no second factor."""
    user = get_user_model().objects.create(
        username=BENCH_USERNAME, first_name="Bänk", last_name="Medlem", password="!"
    )
    person = Person.objects.create(
        user=user,
        first_name="Bänk",
        last_name="Medlem",
        title="Säkerhetssamordnare",
        actor=actors[0],
        email="bank.medlem@aktor0.example",
    )
    Assignment.objects.create(
        actor_function=by_actor[actors[0].pk][0], person=person, starts_on=datetime.date(2023, 1, 1)
    )
    counts.add("bench member", 1)
    return person


def _incidents(
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
                action_plan=_text(rng, 3),
                activated_at=activated_at,
                activated_by=coordinator,
                deactivated_at=None if active else activated_at + datetime.timedelta(days=2),
            )
        )
    incidents = _bulk(Incident, incidents, counts)

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
    per_incident_reports = _spread(report_count, count)
    per_incident_pictures = _spread(picture_count, count)
    impacts = ImpactLevel.values
    for i, incident in enumerate(incidents):
        start = incident.activated_at
        end = incident.deactivated_at or now - datetime.timedelta(minutes=5)
        span = (end - start).total_seconds()
        reporters = expected[incident.pk] or actors[:1]
        log.append(
            LogEntry(
                incident=incident, at=start, by=coordinator, kind="activated", text="Aktiverat."
            )
        )
        for actor in reporters:
            statuses.append(
                ActorStatus(
                    incident=incident,
                    actor=actor,
                    status=ActorStatus.Status.ALERTED,
                    set_by=coordinator,
                    set_at=start,
                )
            )
            statuses.append(
                ActorStatus(
                    incident=incident,
                    actor=actor,
                    status=rng.choice([ActorStatus.Status.ACTIVE, ActorStatus.Status.STANDING_BY]),
                    set_by=coordinator,
                    set_at=start + datetime.timedelta(minutes=20),
                )
            )
        n_reports = per_incident_reports[i]
        latest_impact: dict[int, str] = {}
        for k in range(n_reports):
            actor = reporters[k % len(reporters)]
            at = start + datetime.timedelta(seconds=span * (k + 1) / (n_reports + 1))
            impact = rng.choice(impacts)
            latest_impact[actor.pk] = impact
            reports.append(
                SituationReport(
                    incident=incident,
                    actor=actor,
                    version=k // len(reporters) + 1,
                    situation=_text(rng, 4),
                    consequences=_text(rng, 2),
                    actions_taken=_text(rng, 2),
                    needs=_text(rng, 1),
                    planned_actions=_text(rng, 1),
                    impact=impact,
                    next_report_due=at + datetime.timedelta(hours=2),
                    submitted_by_id=reporter[actor.pk],
                    submitted_at=at,
                )
            )
            log.append(
                LogEntry(
                    incident=incident,
                    at=at,
                    by_id=reporter[actor.pk],
                    kind="report",
                    text=f"{actor.name} rapporterade (version {k // len(reporters) + 1}).",
                )
            )
        for d in range(3):
            directions.append(
                Direction(
                    incident=incident,
                    text=f"Inriktning {d + 1}: {_text(rng, 2)}",
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
                    text=_text(rng, 2),
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
                "situation": _text(rng, 2),
                "needs": _text(rng, 1),
                "report_version": None,
                "reported_at": None,
            }
            for actor in reporters
        ]
        for p in range(n_pictures):
            audience = (
                SituationPicture.Audience.FULL if p % 2 == 0 else SituationPicture.Audience.SHORT
            )
            pictures.append(
                SituationPicture(
                    incident=incident,
                    audience=audience,
                    version=p // 2 + 1,
                    summary=_text(rng, 6),
                    needs_and_requests=_text(rng, 2),
                    actor_snapshot=snapshot,
                    directions_snapshot=[
                        {"text": f"Inriktning 1: {_text(rng, 1)}", "decided_at": None}
                    ],
                    messages_snapshot=[
                        {"target_group": "Allmänheten", "channel": "Webb", "text": _text(rng, 1)}
                    ],
                    published_by=coordinator,
                    published_at=start
                    + datetime.timedelta(seconds=span * (p + 1) / (n_pictures + 1)),
                )
            )
    with given_timestamps(
        (ActorStatus, "set_at"),
        (SituationReport, "submitted_at"),
        (LogEntry, "at"),
        (SituationPicture, "published_at"),
        (JointMessage, "created_at"),
    ):
        _bulk(ActorStatus, statuses, counts)
        _bulk(SituationReport, reports, counts)
        _bulk(LogEntry, log, counts)
        _bulk(SituationPicture, pictures, counts)
        _bulk(Direction, directions, counts)
        _bulk(JointMessage, joint_messages, counts)


def _spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` near-equal whole numbers."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _roster(rng: random.Random, people: list[Person], per_actor: int, now, days: int, counts):
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
    _bulk(Shift, shifts, counts)


def _inbox(people: list[Person], now, per_person: int, counts: Counts) -> None:
    rows = []
    for person in people:
        for n in range(per_person):
            created = now - datetime.timedelta(days=n + 1)
            rows.append(
                Notification(
                    dedupe_key=f"bench:{person.pk}:{n}",
                    recipient=person,
                    channel=Channel.PORTAL,
                    kind="meeting_invitation",
                    address=str(person.user_id),
                    subject=f"Kallelse till möte {n + 1}",
                    body="Du är kallad till ett möte i ett av dina forum.",
                    reason="Du har en plats i forumet.",
                    status=Notification.Status.SENT,
                    created_at=created,
                    sent_at=created,
                    read_at=created if n % 2 else None,
                )
            )
    with given_timestamps((Notification, "created_at")):
        _bulk(Notification, rows, counts)


def _invoices(actors: list[Actor], count: int, counts: Counts) -> None:
    """Earlier years' invoices (one per actor and year) and, to make up the count, credit notes."""
    figures = {
        (f.actor_id, f.reference_date.year + 1): f.inhabitants
        for f in PopulationFigure.objects.filter(actor__in=actors)
    }
    annual = min(count, len(actors) * len(HISTORY_YEARS))
    invoices, numbers = [], {}
    for k in range(annual):
        year = HISTORY_YEARS[k // len(actors)]
        actor = actors[k % len(actors)]
        numbers[year] = numbers.get(year, 0) + 1
        number = f"{year}{numbers[year]:05d}"
        if actor.is_municipality:
            total = (Decimal("1.50") * figures[(actor.pk, year)]).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            )
        else:
            total = Decimal("280000.00")
        issued = datetime.date(year, 12, 1)
        invoices.append(
            Invoice(
                number=number,
                year=year,
                run_year=year,
                actor=actor,
                issue_date=issued,
                due_date=issued + datetime.timedelta(days=30),
                buyer_name=actor.name,
                buyer_address=actor.invoice_address,
                buyer_org_number=actor.org_number,
                buyer_reference=actor.name,
                buyer_email=actor.invoice_email,
                seller=dict(settings.SELLER),
                total=total,
                ocr=ocr_reference(number),
                emailed_at=datetime.datetime(year, 12, 1, 9, tzinfo=datetime.UTC),
            )
        )
    invoices = _bulk(Invoice, invoices, counts)
    credits = []
    for k, credited in enumerate(invoices[: count - annual]):
        number = f"K{credited.year}{k + 1:05d}"
        credits.append(
            Invoice(
                kind=Invoice.Kind.CREDIT_NOTE,
                number=number,
                year=credited.year,
                actor=credited.actor,
                credited_invoice=credited,
                issue_date=credited.issue_date + datetime.timedelta(days=10),
                due_date=credited.issue_date + datetime.timedelta(days=10),
                buyer_name=credited.buyer_name,
                buyer_address=credited.buyer_address,
                buyer_org_number=credited.buyer_org_number,
                buyer_reference=credited.buyer_reference,
                buyer_email=credited.buyer_email,
                seller=credited.seller,
                total=credited.total,
                ocr=ocr_reference(number),
            )
        )
    credits = _bulk(Invoice, credits, counts)
    everything = invoices + credits
    _bulk(
        InvoiceLine,
        [
            InvoiceLine(
                invoice=invoice,
                description=f"Medlemsavgift {invoice.year}, Samverkan Stockholmsregionen",
                basis="Bänkdata",
                amount=invoice.total,
            )
            for invoice in everything
        ],
        counts,
    )
    credited_ids = {c.credited_invoice_id for c in credits}
    _bulk(
        Payment,
        [
            Payment(
                invoice=invoice,
                amount=invoice.total,
                paid_on=invoice.due_date - datetime.timedelta(days=3),
                reference=invoice.ocr,
            )
            for k, invoice in enumerate(invoices)
            if invoice.pk not in credited_ids and k % 10 != 0
        ],
        counts,
    )
    counters = {}
    for invoice in everything:
        series = "credit_note" if invoice.kind == Invoice.Kind.CREDIT_NOTE else "invoice"
        counters[(series, invoice.year)] = counters.get((series, invoice.year), 0) + 1
    _bulk(
        InvoiceCounter,
        [InvoiceCounter(series=s, year=y, last_number=n) for (s, y), n in counters.items()],
        counts,
    )


def seed_scaled(scale: float, *, seed: int = SEED) -> Counts:
    """The whole network at ``scale`` (1 = the issue's figures)."""
    rng = random.Random(seed)
    planned = planned_counts(scale)
    per_actor = max(1, planned["people"] // planned["actors"])
    counts = Counts()
    now = timezone.now()
    with transaction.atomic():
        clusters = _bulk(MunicipalCluster, [MunicipalCluster(name=n) for n in CLUSTERS], counts)
        functions = _bulk(Function, [Function(name=n) for n in FUNCTIONS], counts)
        actors = _actors(planned["actors"], clusters, counts)
        by_actor, people = _people(rng, actors, functions, per_actor, counts)
        forums = _forums(rng, planned["forums"], actors, by_actor, clusters, functions, counts)
        _bench_member(actors, by_actor, counts)
        coordinator = people[-1].user
        _incidents(
            rng,
            planned["incidents"],
            planned["reports"],
            planned["pictures"],
            forums,
            actors,
            people,
            per_actor,
            coordinator,
            now,
            counts,
        )
        _roster(rng, people[per_actor:], per_actor, now, max(7, round(30 * scale)), counts)
        _inbox(people, now, 5, counts)
        _membership_setup(actors, list(HISTORY_YEARS), counts)
        _invoices(actors, planned["invoices"], counts)
        forum_access_sync()
        incident_access_sync()
    _analyze()
    return counts
