"""Queries of the conference page and the incident page's conference panel."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from actors.models import Actor

from .. import selectors
from ..models import (
    Conference,
    ConferenceAction,
    Incident,
    SituationReport,
    StatusRoundEntry,
)


def conference_get(pk: int) -> Conference:
    return get_object_or_404(
        Conference.objects.select_related("incident", "incident__event_type"), pk=pk
    )


def incident_conferences(incident: Incident) -> QuerySet[Conference]:
    return incident.conferences.prefetch_related("forums").order_by("starts_at", "pk")


def open_actions(incident: Incident) -> QuerySet[ConferenceAction]:
    """The conference actions of the incident not yet done, the soonest due first."""
    return (
        ConferenceAction.objects.filter(conference__incident=incident, done_at__isnull=True)
        .select_related("owner", "conference")
        .order_by("due_at", "pk")
    )


def involved_actors(conference: Conference) -> list[Actor]:
    """The actors expected in the status round: the incident's involved actors, and any other
    actor that has reported in it."""
    actors = {a.pk: a for a in selectors.expected_actors(conference.incident)}
    for report in selectors.latest_reports(conference.incident):
        actors.setdefault(report.actor_id, report.actor)
    return sorted(actors.values(), key=lambda a: a.name)


@dataclass
class RoundRow:
    actor: Actor
    entry: StatusRoundEntry | None
    report: SituationReport | None
    situation: str
    impact: str
    needs: str

    @property
    def source(self) -> str:
        """``spoken`` (recorded in the round), ``report`` (its newest report) or ``none``."""
        if self.entry is not None:
            return "spoken"
        return "report" if self.report is not None else "none"


def status_round(conference: Conference, actors: list[Actor] | None = None) -> list[RoundRow]:
    """Each involved actor in turn (``actors``, if the caller has them), with what was recorded
    in the round, else prefilled from its newest situation report. A constant number of
    queries."""
    reports = {r.actor_id: r for r in selectors.latest_reports(conference.incident)}
    entries = {e.actor_id: e for e in conference.round_entries.all()}
    rows = []
    for actor in actors if actors is not None else involved_actors(conference):
        entry, report = entries.get(actor.pk), reports.get(actor.pk)
        source = entry or report
        rows.append(
            RoundRow(
                actor=actor,
                entry=entry,
                report=report,
                situation=source.situation if source else "",
                impact=source.impact if source else "",
                needs=source.needs if source else "",
            )
        )
    return rows


def attendance(
    conference: Conference, actors: list[Actor] | None = None
) -> list[tuple[Actor, bool | None]]:
    """(actor, present) for every involved actor; None when not recorded."""
    recorded = {a.actor_id: a.present for a in conference.attendance.all()}
    actors = actors if actors is not None else involved_actors(conference)
    return [(actor, recorded.get(actor.pk)) for actor in actors]


def is_overdue(action: ConferenceAction, now: datetime.datetime | None = None) -> bool:
    return (
        action.done_at is None
        and action.due_at is not None
        and action.due_at < (now or timezone.now())
    )
