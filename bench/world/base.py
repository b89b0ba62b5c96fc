"""What the benchmark world is made of: its sizes and names, the seeded texts, and the helpers
every part of it uses (bulk inserts with a count, given timestamps, planner statistics)."""

import contextlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, models

from actors.models import Actor
from incidents.map import GEOJSON

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


def prose(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(sentences))


def bulk(model: type[models.Model], rows: list, counts: Counts) -> list:
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    counts.add(model._meta.model_name, len(created))
    return created


def spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` near-equal whole numbers."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would give a database that grew slowly; without
    them PostgreSQL plans the first queries on freshly bulk-loaded tables badly."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
