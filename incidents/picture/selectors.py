"""Queries for the common situation picture: what tells whether the live picture changed, the
latest published versions, the reports since the last one and the map's impact per municipality."""

import datetime
import functools
from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import OuterRef, QuerySet, Subquery

from ..models import (
    IMPACT_ORDER,
    ActorStatus,
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
    return list(
        SituationPicture.objects.filter(
            pdf="", published_at__lt=published_before, published_at__gte=published_after
        )
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
