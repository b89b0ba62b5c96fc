"""SSR's own default data: the parties, clusters, function catalogue and cited population figures.

Nothing here is hard-coded in models: it is read from ``actors/data/*.csv`` so another regional
network can ship its own files. Loading creates only what is missing, never overwrites what the
secretariat has edited, and never brings back what it deleted (simple-history remembers).
"""

import csv
from pathlib import Path

from django.db import transaction

from core.defaults import LoadReport, was_deleted

from .models import Actor, ActorFunction, Function, MunicipalCluster, PopulationFigure
from .services import population_csv_parse

DATA_DIR = Path(__file__).resolve().parent / "data"
OWN_CLUSTER_MUNICIPALITY_CODES = {"0180": "Stockholms stad"}


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def ssr_defaults_load() -> LoadReport:
    report = LoadReport()

    clusters = {cluster.name: cluster for cluster in MunicipalCluster.objects.all()}
    for row in _read("ssr_clusters.csv"):
        if row["name"] in clusters or was_deleted(MunicipalCluster, name=row["name"]):
            continue
        clusters[row["name"]] = MunicipalCluster.objects.create(
            name=row["name"], description=row["description"]
        )
        report.count("clusters")

    actors = {actor.name: actor for actor in Actor.objects.all()}
    existing_codes = {a.municipality_code for a in actors.values() if a.municipality_code}
    rows = _read("ssr_actors.csv")
    # Federations first, so a municipality is created already linked to its rescue service.
    rows.sort(key=lambda row: row["kind"] != Actor.Kind.FIRE_RESCUE_FEDERATION)
    for row in rows:
        code = row["municipality_code"]
        if row["name"] in actors or (code and code in existing_codes):
            continue
        if was_deleted(Actor, name=row["name"]):
            continue
        cluster_name = OWN_CLUSTER_MUNICIPALITY_CODES.get(code)
        actors[row["name"]] = Actor.objects.create(
            name=row["name"],
            short_name=row["short_name"],
            kind=row["kind"],
            municipality_code=code,
            org_number=row["org_number"],
            # The chair organisation that employs the secretariat pays by internal transfer.
            paid_internally=row.get("paid_internally") == "yes",
            cluster=clusters.get(cluster_name) if cluster_name else None,
            rescue_service=actors.get(row["rescue_service"]),
        )
        report.count("actors")

    functions = {function.name: function for function in Function.objects.all()}
    for row in _read("ssr_functions.csv"):
        name = row["name"]
        if name not in functions:
            if was_deleted(Function, name=name):
                continue
            functions[name] = Function.objects.create(name=name, description=row["description"])
            report.count("functions")
        kinds = row["kinds"].split(";")
        function = functions[name]
        have = set(
            ActorFunction.objects.filter(function=function).values_list("actor_id", flat=True)
        )
        deleted = set(
            ActorFunction.history.filter(history_type="-", function_id=function.pk).values_list(
                "actor_id", flat=True
            )
        )
        new = [
            ActorFunction(actor=actor, function=function)
            for actor in actors.values()
            if ("*" in kinds or actor.kind in kinds)
            and actor.pk not in have
            and actor.pk not in deleted
        ]
        for actor_function in new:
            actor_function.save()
            report.count("actor functions")

    with (DATA_DIR / "population_scb.csv").open(encoding="utf-8-sig", newline="") as handle:
        population_rows, errors = population_csv_parse(handle)
    if errors:  # the shipped file is ours: a bad row is a bug, not user input
        raise ValueError("; ".join(errors))
    by_code = {a.municipality_code: a for a in actors.values() if a.municipality_code}
    have_figures = set(PopulationFigure.objects.values_list("actor_id", "reference_date"))
    for population in population_rows:
        actor = by_code.get(population.municipality_code)
        if actor is None or (actor.pk, population.reference_date) in have_figures:
            continue
        if was_deleted(
            PopulationFigure, actor_id=actor.pk, reference_date=population.reference_date
        ):
            continue
        PopulationFigure.objects.create(
            actor=actor,
            reference_date=population.reference_date,
            inhabitants=population.inhabitants,
            source=population.source,
            kind=population.kind,
        )
        report.count("population figures")
    return report
