"""SSR's default forums: the collaboration levels, the standing forums and their seats.

Read from ``forums/data/ssr_forums.json``. Like the actor defaults, loading creates only what is
missing, never overwrites what the secretariat edited, and never restores what it deleted.
"""

import json
from pathlib import Path

from django.db import transaction

from actors.models import Actor, ActorFunction, Function, MunicipalCluster
from core.defaults import LoadReport, was_deleted

from .models import CollaborationLevel, Forum, Seat
from .services import forum_access_sync

DATA_FILE = Path(__file__).resolve().parent / "data" / "ssr_forums.json"


def _seat_actors(rule: str, function: Function) -> list[Actor]:
    actors = Actor.objects.order_by("name")
    if rule == "all":
        chosen = actors
    elif rule == "non_municipal":
        chosen = actors.exclude(kind=Actor.Kind.MUNICIPALITY)
    elif rule == "with_function":
        chosen = actors.filter(actor_functions__function=function)
    else:
        raise ValueError(f"Unknown seat rule {rule!r} in {DATA_FILE.name}")
    have = set(ActorFunction.objects.filter(function=function).values_list("actor_id", flat=True))
    return [actor for actor in chosen if actor.pk in have]


@transaction.atomic
def forum_defaults_load(report: LoadReport | None = None) -> LoadReport:
    report = report or LoadReport()
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    levels = {level.name: level for level in CollaborationLevel.objects.all()}
    for row in data["levels"]:
        if row["name"] in levels or was_deleted(CollaborationLevel, name=row["name"]):
            continue
        levels[row["name"]] = CollaborationLevel.objects.create(**row)
        report.count("collaboration levels")

    convener = Actor.objects.filter(kind=Actor.Kind.COUNTY_ADMINISTRATIVE_BOARD).first()
    if convener is None:
        return report  # the actor defaults were not loaded (or were removed): nothing to seat
    double = set(data["double_representation"])
    clusters = list(MunicipalCluster.objects.all())
    touched = set()
    for row in data["forums"]:
        if Forum.objects.filter(name=row["name"]).exists() or was_deleted(Forum, name=row["name"]):
            continue
        level = levels.get(row["level"])
        function = Function.objects.filter(name=row["seats"]["function"]).first()
        if level is None or function is None:
            continue
        forum = Forum.objects.create(
            name=row["name"],
            kind=row["kind"],
            level=level,
            purpose=row["purpose"],
            convening_actor=convener,
            activated_name=row["activated_name"],
            co_location_name=row["co_location_name"],
        )
        report.count("forums")
        seats = [
            Seat(
                forum=forum,
                actor=actor,
                function=function,
                count=2 if forum.kind == Forum.Kind.STANDING and actor.name in double else 1,
            )
            for actor in _seat_actors(row["seats"]["actors"], function)
        ]
        if row["seats"]["clusters"]:
            seats += [Seat(forum=forum, cluster=cluster, function=function) for cluster in clusters]
        for seat in seats:
            seat.save()
            report.count("seats")
        touched.add(forum.pk)
    if touched:
        forum_access_sync(forum_ids=touched)
    return report
