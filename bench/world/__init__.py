"""The benchmark datasets (``python -m bench.seed``), made with bulk inserts from a fixed seed.

Two datasets, each for an empty, migrated PostgreSQL database:

- ``seed_scaled(scale)``: the network at ``scale`` times 300 actors, 3,000 people (each with a
  login and a function), 60 forums, 50 incidents with 20,000 situation reports and 500 published
  picture versions, 1,000 invoices, a roster and an inbox. The first incident is activated and
  the bench member (``BENCH_USERNAME``) holds a seat in each of its activated forums.
- ``seed_invoice_run(actors)``: only what the annual invoice run needs, for ``actors`` members
  and two approved budget years (``INVOICE_RUN_YEARS``), so that the run can be timed twice.

Rows are bulk-inserted, so simple-history has no history rows for them; access (guardian's
forum and incident permissions) is derived by the same rules the portal uses (forums by its
service, incidents in one pass, checked against its service by the tests), and invoices and
credit notes are issued by the portal's invoicing services (numbers, lines, OCR references), so
the world holds what the portal would make. Timestamps are relative to the moment of seeding;
everything else follows from the seed alone.
"""

import random

from django.db import transaction
from django.utils import timezone

from actors.models import Function, MunicipalCluster
from forums.services import forum_access_sync

from .base import (
    BENCH_INCIDENT_TITLE,
    BENCH_USERNAME,
    CLUSTERS,
    FUNCTIONS,
    HISTORY_YEARS,
    INVOICE_RUN_YEARS,
    SEED,
    Counts,
    analyze,
    bulk,
    planned_counts,
)
from .incidents import add_incidents, add_roster, grant_incident_access
from .membership import add_invoices, add_membership
from .network import add_actors, add_bench_member, add_forums, add_inbox, add_people

__all__ = [
    "BENCH_INCIDENT_TITLE",
    "BENCH_USERNAME",
    "INVOICE_RUN_YEARS",
    "SEED",
    "Counts",
    "planned_counts",
    "seed_invoice_run",
    "seed_scaled",
]


def seed_invoice_run(actor_count: int, *, seed: int = SEED) -> Counts:
    """Members for the annual invoice run alone: ``actor_count`` actors with agreements, invoice
    addresses and (municipalities) population figures, approved for ``INVOICE_RUN_YEARS``."""
    counts = Counts()
    with transaction.atomic():
        clusters = bulk(MunicipalCluster, [MunicipalCluster(name=n) for n in CLUSTERS], counts)
        actors = add_actors(actor_count, clusters, counts)
        add_membership(actors, list(INVOICE_RUN_YEARS), counts)
    analyze()
    return counts


def seed_scaled(scale: float, *, seed: int = SEED) -> Counts:
    """The whole network at ``scale`` (1 = the issue's figures)."""
    rng = random.Random(seed)
    planned = planned_counts(scale)
    per_actor = max(1, planned["people"] // planned["actors"])
    counts = Counts()
    now = timezone.now()
    with transaction.atomic():
        clusters = bulk(MunicipalCluster, [MunicipalCluster(name=n) for n in CLUSTERS], counts)
        functions = bulk(Function, [Function(name=n) for n in FUNCTIONS], counts)
        actors = add_actors(planned["actors"], clusters, counts)
        by_actor, people = add_people(rng, actors, functions, per_actor, counts)
        forums = add_forums(rng, planned["forums"], actors, by_actor, clusters, functions, counts)
        add_bench_member(actors, by_actor, counts)
        coordinator = people[-1].user
        add_incidents(
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
        add_roster(rng, people[per_actor:], per_actor, now, max(7, round(30 * scale)), counts)
        add_inbox(people, now, 5, counts)
        add_membership(actors, list(HISTORY_YEARS), counts)
        forum_access_sync()
        grant_incident_access(counts)
    add_invoices(planned["invoices"], counts)
    analyze()
    return counts
