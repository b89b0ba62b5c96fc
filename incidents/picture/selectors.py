"""Queries for the common situation picture: what tells whether the live picture changed, the
latest published versions, the reports since the last one and the map's impact per municipality."""

import datetime
import functools
from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from forums.models import SharingLevel

from ..models import (
    IMPACT_ORDER,
    ActorStatus,
    ImpactLevel,
    Incident,
    IncidentUserObjectPermission,
    SituationPicture,
    SituationReport,
)


@functools.cache
def _incident_for_picture_sql() -> str:
    tables = {
        "incident": Incident._meta.db_table,
        "picture": SituationPicture._meta.db_table,
        "report": SituationReport._meta.db_table,
        "status": ActorStatus._meta.db_table,
        "perm": IncidentUserObjectPermission._meta.db_table,
        "permission": Permission._meta.db_table,
    }
    newest_picture = (
        "(SELECT p.id FROM {picture} p WHERE p.incident_id = i.id AND p.audience = %s "
        "ORDER BY p.version DESC LIMIT 1)"
    )
    return (
        "SELECT i.*, "
        f"{newest_picture} AS full_pk, "
        f"{newest_picture} AS short_pk, "
        "(SELECT r.id FROM {report} r WHERE r.incident_id = i.id "
        "ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1) AS report_pk, "
        "(SELECT COUNT(*) FROM {status} s WHERE s.incident_id = i.id) AS status_count, "
        "EXISTS (SELECT 1 FROM {perm} o JOIN {permission} ap ON ap.id = o.permission_id "
        "WHERE o.content_object_id = i.id AND o.user_id = %s AND ap.codename = %s) "
        "AS user_may_view "
        "FROM {incident} i WHERE i.id = %s"
    ).format(**tables)


def incident_for_picture(pk: int, *, user: Any) -> Incident | None:
    """The incident with what tells whether its live picture changed, in one query: the newest
    picture per audience (``full_pk``, ``short_pk``), the newest report (``report_pk``), the
    number of status rows (``status_count``; statuses are only ever added), and whether the user
    holds ``view_incident`` on it (``user_may_view``; the rest of ``can_view_incident`` is for
    the caller).

    Every open picture page polls this every ten seconds, so it is plain SQL: the ORM spent four
    times longer building this query than the database spent answering it. Each subquery
    follows an index that starts with the incident (an ORDER BY id would walk the whole table's
    primary key back to an old incident)."""
    params = [
        SituationPicture.Audience.FULL,
        SituationPicture.Audience.SHORT,
        user.pk,
        "view_incident",
        pk,
    ]
    return next(iter(Incident.objects.raw(_incident_for_picture_sql(), params)), None)


def latest_pictures(incident: Incident) -> dict[str, SituationPicture]:
    newest = SituationPicture.objects.filter(
        incident=OuterRef("incident"), audience=OuterRef("audience")
    ).order_by("-version")
    pictures = SituationPicture.objects.filter(incident=incident).filter(
        version=Subquery(newest.values("version")[:1])
    )
    return {p.audience: p for p in pictures}


def reports_since(incident: Incident, since: datetime.datetime | None) -> QuerySet:
    reports = SituationReport.objects.filter(incident=incident).select_related("actor")
    if since:
        reports = reports.filter(submitted_at__gt=since)
    return reports.order_by("-submitted_at")


def municipality_impacts(pictures_snapshot: list[dict]) -> dict[str, str]:
    """Municipality code → impact level, from a picture's frozen actor snapshot."""
    impacts: dict[str, str] = {}
    for row in pictures_snapshot:
        for code in row.get("municipality_codes", []):
            level = row.get("impact")
            if level and IMPACT_ORDER.get(level, -1) > IMPACT_ORDER.get(impacts.get(code, ""), -1):
                impacts[code] = level
    return impacts


def pictures_without_pdf(
    *, published_before: datetime.datetime, published_after: datetime.datetime, limit: int
) -> list[int]:
    """Published pictures whose PDF is still missing, oldest first (the beat sweep's work)."""
    return _published_between(
        SituationPicture.objects.filter(pdf=""), published_before, published_after, limit
    )


def pictures_not_announced(
    *, published_before: datetime.datetime, published_after: datetime.datetime, limit: int
) -> list[int]:
    """Published pictures not yet announced to their readers, oldest first (the beat sweep's
    work)."""
    return _published_between(
        SituationPicture.objects.filter(announced_at__isnull=True),
        published_before,
        published_after,
        limit,
    )


def _published_between(
    pictures: QuerySet, before: datetime.datetime, after: datetime.datetime, limit: int
) -> list[int]:
    return list(
        pictures.filter(published_at__lt=before, published_at__gte=after)
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


# The short version reaches actors outside the activated forums (seed 003 §2.4: adapted to the
# indirectly affected): only what is shared with the whole network, or publicly, goes into it.
SHORT_SHARING_LEVELS = (SharingLevel.NETWORK, SharingLevel.PUBLIC)


def shareable(audience: str, report: SituationReport | None) -> bool:
    """Whether a report may go into a picture for ``audience``: all of them into the full
    version (its readers are the activated forums), into the short version only those shared
    beyond the forum (no report, no row: the short version names no actor it says nothing
    of)."""
    if audience != SituationPicture.Audience.SHORT:
        return True
    return report is not None and report.sharing_level in SHORT_SHARING_LEVELS


def impact_label(code: str) -> str:
    """The Swedish words for an impact level code kept in a snapshot ("–" for none)."""
    if not code:
        return "–"
    try:
        return str(ImpactLevel(code).label)
    except ValueError:
        return code  # a level since removed: its code rather than nothing


def summary_draft(incident: Incident, since: datetime.datetime | None) -> str:
    """A first draft of the next picture's summary, from the reports new since the last
    published picture: per actor its newest new report (name, impact in words, the situation
    in brief, its needs). The RSIB edits it; nothing is published without them. Lines from
    reports shared with the forum only are marked, for the short version's sake."""
    newest: dict[int, SituationReport] = {}
    for report in reports_since(incident, since):  # newest first
        newest.setdefault(report.actor_id, report)
    lines = []
    for report in sorted(newest.values(), key=lambda r: r.actor.name):
        line = f"{report.actor.name}: {impact_label(report.impact)}. {_brief(report.situation)}"
        if report.needs.strip():
            line += " " + _("Needs: %(needs)s") % {"needs": _brief(report.needs)}
        if report.sharing_level == SharingLevel.FORUM:
            line += " " + _("[forum only]")
        lines.append(line)
    return "\n".join(lines)


def _brief(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def snapshot_rows(picture: SituationPicture | None) -> list[dict]:
    """A picture's frozen actor rows as shown (page, fragment, PDF), each with
    ``impact_label`` in words. For the short version, checked again at showing: a row whose
    report was shared with the forum only is left out, so a short version published before
    the snapshot was filtered shows no more than one published now. One query for those."""
    if picture is None:
        return []
    rows = [dict(row) for row in picture.actor_snapshot]
    if picture.audience == SituationPicture.Audience.SHORT:
        wanted = {
            (row.get("actor_id"), row.get("report_version"))
            for row in rows
            if row.get("sharing_level") not in SHORT_SHARING_LEVELS
        }
        allowed = set()
        if wanted:
            allowed = set(
                SituationReport.objects.filter(
                    incident_id=picture.incident_id,
                    actor_id__in={actor for actor, _v in wanted},
                    sharing_level__in=SHORT_SHARING_LEVELS,
                ).values_list("actor_id", "version")
            )
        rows = [
            row
            for row in rows
            if row.get("sharing_level") in SHORT_SHARING_LEVELS
            or (
                row.get("sharing_level") is None
                and (row.get("actor_id"), row.get("report_version")) in allowed
            )
        ]
    for row in rows:
        row["impact_label"] = impact_label(row.get("impact", ""))
    return rows
