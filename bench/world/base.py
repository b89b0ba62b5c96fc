"""What the benchmark world is made of: its sizes and names, the seeded texts, and the helpers
every part of it uses (bulk inserts with a count, given timestamps, planner statistics)."""

import contextlib
import enum
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.utils import timezone

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
    return " ".join(rng.choices(SENTENCES, k=sentences))  # one call: 1.2 M sentences at scale 10


def bulk(model: type[models.Model], rows: list, counts: Counts) -> list:
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    counts.add(model._meta.model_name, len(created))
    return created


def copy_rows(model: type[models.Model], rows: Iterable[dict[str, Any]], counts: Counts) -> int:
    """Insert many rows with PostgreSQL's COPY: for the big append-only tables, where building
    model instances and INSERT statements cost more than the data. Each row gives field values
    by attribute name (``incident_id``); a field left out gets its model default, as
    ``bulk_create`` would give it. The append-only triggers fire on COPY as on INSERT. Returns
    how many rows were written."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # Plain values go to psycopg as they are (Django's per-value preparation was most of the
    # cost); JSON needs Django's adaptation, choices their value.
    prepared = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    # A JSON default is the same for every row: adapted once.
    json_defaults = {
        f.attname: f.get_db_prep_save(f.get_default(), connection)
        for f in fields
        if f.attname in prepared
    }
    now = timezone.now()  # for auto_now(_add) fields left out, as bulk_create fills them

    def value(f, row):
        if f.attname not in row:
            if f.attname in json_defaults:
                return json_defaults[f.attname]
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                return now
            return f.get_default()
        found = row[f.attname]
        if f.attname in prepared:
            return f.get_db_prep_save(found, connection)
        return found.value if isinstance(found, enum.Enum) else found

    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    written = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([value(f, row) for f in fields])
            written += 1
    counts.add(model._meta.model_name, written)
    return written


def spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` near-equal whole numbers."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would give a database that grew slowly; without
    them PostgreSQL plans the first queries on freshly bulk-loaded tables badly."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
