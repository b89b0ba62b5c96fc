"""SSR's default ordinary-mode data: the goals document 2023–2026 with its goal areas, the
common capabilities with sub-capabilities, and the planning settings.

Read from ``planning/data/ssr_planning.json`` (provenance in the file). Like the other defaults,
loading creates only what is missing, never overwrites what the secretariat edited, and never
restores what it deleted.
"""

import json
from pathlib import Path

from django.db import transaction

from actors.models import Function
from core.defaults import LoadReport, was_deleted
from forums.models import Forum

from .models import (
    Capability,
    GoalArea,
    GoalPeriod,
    GoalPeriodVersion,
    PlanningSettings,
    SubCapability,
)

DATA_FILE = Path(__file__).resolve().parent / "data" / "ssr_planning.json"


def _load_periods(data: dict, report: LoadReport) -> None:
    for row in data["periods"]:
        if GoalPeriod.objects.filter(name=row["name"]).exists():
            continue
        if was_deleted(GoalPeriod, name=row["name"]):
            continue
        period = GoalPeriod.objects.create(
            name=row["name"], start_year=row["start_year"], end_year=row["end_year"]
        )
        version = GoalPeriodVersion.objects.create(
            period=period,
            number=1,
            status=GoalPeriodVersion.Status.ADOPTED,
            overall_goal=row["overall_goal"],
            adopted_note=row["adopted_note"],
        )
        report.count("goal periods")
        for position, area in enumerate(row["areas"], start=1):
            GoalArea.objects.create(version=version, position=position, **area)
            report.count("goal areas")


def _load_capabilities(data: dict, report: LoadReport) -> None:
    for position, row in enumerate(data["capabilities"], start=1):
        capability = Capability.objects.filter(name=row["name"]).first()
        if capability is None:
            if was_deleted(Capability, name=row["name"]):
                continue
            capability = Capability.objects.create(
                name=row["name"],
                mode=row["mode"],
                position=position,
                description=row["description"],
            )
            report.count("capabilities")
        have = set(capability.sub_capabilities.values_list("name", flat=True))
        for sub_position, (name, description, source) in enumerate(row["sub"], start=1):
            if name in have or was_deleted(SubCapability, capability_id=capability.pk, name=name):
                continue
            SubCapability.objects.create(
                capability=capability,
                name=name,
                description=description,
                source=source,
                position=sub_position,
            )
            report.count("sub-capabilities")


def _load_settings(data: dict, report: LoadReport) -> None:
    if PlanningSettings.objects.filter(pk=1).exists():
        return
    wanted = data["settings"]
    PlanningSettings.objects.create(
        pk=1,
        adopting_forum=Forum.objects.filter(name=wanted["adopting_forum"]).first(),
        presenting_forum=Forum.objects.filter(name=wanted["presenting_forum"]).first(),
        contact_function=Function.objects.filter(name=wanted["contact_function"]).first(),
    )
    report.count("planning settings")


@transaction.atomic
def planning_defaults_load(report: LoadReport | None = None) -> LoadReport:
    report = report or LoadReport()
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    _load_periods(data, report)
    _load_capabilities(data, report)
    _load_settings(data, report)
    return report
