"""Queries that pages and later apps share. "Who holds function X at actor Y today" lives here."""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _

from core.models import AuditEvent

from .models import (
    Actor,
    ActorFunction,
    Assignment,
    Function,
    MunicipalCluster,
    Person,
    PopulationFigure,
)

# Holders before deputies wherever assignments are listed.
HOLDERS_FIRST = Case(
    When(role=Assignment.Role.HOLDER, then=Value(0)), default=Value(1), output_field=IntegerField()
)


def _today(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def current_assignments_q(on: datetime.date, prefix: str = "") -> Q:
    """A Q for assignments that hold on ``on``; ``prefix`` reaches them through a relation."""
    return Q(**{f"{prefix}starts_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def actor_directory(
    *, q: str = "", kind: str = "", cluster_id: int | None = None
) -> QuerySet[Actor]:
    """The actor directory, filtered by free text, kind and municipal cluster."""
    actors = Actor.objects.select_related("cluster").order_by("name")
    if q:
        actors = actors.filter(
            Q(name__icontains=q)
            | Q(short_name__icontains=q)
            | Q(org_number__icontains=q)
            | Q(municipality_code=q)
        )
    if kind:
        actors = actors.filter(kind=kind)
    if cluster_id:
        actors = actors.filter(cluster_id=cluster_id)
    return actors


def directory_version() -> str:
    """What the directory shows has changed when this changes: the newest history row of the
    actors and of the municipal clusters (every create, change and delete writes one, the
    admin's and the services' alike), by id and time, so that another database (a restored
    one, a test's) that reuses the ids does not share the key. One query."""
    newest = []
    for model in (Actor, MunicipalCluster):
        table = connection.ops.quote_name(model.history.model._meta.db_table)
        for column in ("history_id", "history_date"):
            newest.append(f"(SELECT {column} FROM {table} ORDER BY history_id DESC LIMIT 1)")
    # Rows loaded without history (a bulk import, the bench seed) still count: their number and
    # newest id are part of the key.
    actors = connection.ops.quote_name(Actor._meta.db_table)
    newest += [f"(SELECT COUNT(*) FROM {actors})", f"(SELECT MAX(id) FROM {actors})"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(newest)}")
        row = cursor.fetchone()
    return hashlib.sha256("|".join(str(value) for value in row).encode()).hexdigest()[:24]


def actor_detail(*, pk: int) -> Actor:
    return Actor.objects.select_related("cluster", "rescue_service").get(pk=pk)


def function_holders(
    *,
    actor: Actor,
    function: Function,
    on: datetime.date | None = None,
    role: str | None = None,
) -> list[Assignment]:
    """The assignments through which people hold ``function`` at ``actor`` on a day (today).

    Holders come before deputies. This is the one answer to "who is summoned" that forums,
    incidents and notifications all use.
    """
    day = _today(on)
    assignments = (
        Assignment.objects.filter(
            current_assignments_q(day),
            actor_function__actor=actor,
            actor_function__function=function,
        )
        .select_related("person", "actor_function__function", "actor_function__actor")
        .order_by(HOLDERS_FIRST, "starts_on", "person__last_name")
    )
    if role:
        assignments = assignments.filter(role=role)
    return list(assignments)


def holders_by_actor_function(
    *, actor_function_ids: Iterable[int], on: datetime.date | None = None
) -> dict[int, list[Assignment]]:
    """Current assignments for many functions at once, keyed by ActorFunction id (one query)."""
    day = _today(on)
    grouped: dict[int, list[Assignment]] = defaultdict(list)
    assignments = (
        Assignment.objects.filter(
            current_assignments_q(day), actor_function_id__in=list(actor_function_ids)
        )
        .select_related("person")
        .order_by(HOLDERS_FIRST, "starts_on", "person__last_name")
    )
    for assignment in assignments:
        grouped[assignment.actor_function_id].append(assignment)
    return grouped


def actor_functions_with_holders(
    *, actor: Actor, on: datetime.date | None = None
) -> list[ActorFunction]:
    """An actor's functions, each with ``current_assignments`` (holders first) prefetched."""
    day = _today(on)
    current = (
        Assignment.objects.filter(current_assignments_q(day))
        .select_related("person")
        .order_by(HOLDERS_FIRST, "starts_on", "person__last_name")
    )
    return list(
        ActorFunction.objects.filter(actor=actor)
        .select_related("function")
        .prefetch_related(Prefetch("assignments", queryset=current, to_attr="current_assignments"))
        .order_by("function__name")
    )


def person_assignments(*, person: Person) -> list[Assignment]:
    """All of a person's assignments, current and past, newest first."""
    return list(
        person.assignments.select_related(
            "actor_function__actor", "actor_function__function"
        ).order_by("-starts_on")
    )


def person_directory(*, q: str = "", actor_id: int | None = None) -> QuerySet[Person]:
    people = Person.objects.select_related("actor").order_by("last_name", "first_name")
    if q:
        people = people.filter(
            Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(title__icontains=q)
            | Q(email__icontains=q)
            | Q(actor__name__icontains=q)
        )
    if actor_id:
        people = people.filter(actor_id=actor_id)
    return people


def function_catalogue() -> QuerySet[Function]:
    return Function.objects.annotate(actor_count=Count("actor_functions")).order_by("name")


def population_figures(*, actor: Actor) -> list[PopulationFigure]:
    return list(actor.population_figures.order_by("-reference_date"))


def population_figure_on(*, actor: Actor, reference_date: datetime.date) -> PopulationFigure | None:
    """The figure for exactly that reference date; never a neighbouring one (fees depend on it)."""
    return PopulationFigure.objects.filter(actor=actor, reference_date=reference_date).first()


# --- Traceability ---------------------------------------------------------------------------


def _portal_app(model: type) -> bool:
    """An app of this project (its package lies in the project), not a library's."""
    path = Path(model._meta.app_config.path).resolve()
    return path.is_relative_to(settings.BASE_DIR) and ".venv" not in path.parts


def history_models() -> list[type]:
    """The portal's models that record their history, in a stable order."""
    return sorted(
        (model for model in apps.get_models() if _portal_app(model) and hasattr(model, "history")),
        key=lambda model: model._meta.label_lower,
    )


def history_model(label: str) -> type | None:
    """The model for ``app_label.modelname`` if it is one of ``history_models``."""
    return next((m for m in history_models() if m._meta.label_lower == label), None)


def object_history(model: type, pk: int, *, offset: int = 0, limit: int = 50) -> list:
    """Up to ``limit`` historical records of one object from ``offset``, newest first, each with
    ``changes``: a list of (field label, old value, new value) against the record before it."""
    records = list(
        model.history.filter(**{model._meta.pk.attname: pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[offset : offset + limit + 1]
    )
    # Fields left out of the history (a provider's client secret) are not shown.
    recorded = {f.attname for f in model.history.model._meta.concrete_fields}
    tracked = [
        f for f in model._meta.concrete_fields if not f.primary_key and f.attname in recorded
    ]
    for newer, older in zip(records, [*records[1:], None], strict=True):
        newer.changes = [
            (
                f.verbose_name,
                _shown(f, getattr(older, f.attname)) if older is not None else "–",
                _shown(f, getattr(newer, f.attname)),
            )
            for f in tracked
            if (older is None and getattr(newer, f.attname) not in (None, ""))
            or (older is not None and getattr(older, f.attname) != getattr(newer, f.attname))
        ]
    return records[:limit]


def _shown(field: Any, value: Any) -> str:
    """A recorded value as a person reads it: choice labels, yes/no, "–" for nothing, and the
    id of a related object."""
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field.is_relation:
        return f"#{value}"
    return str(localize(value))


def audit_events(
    *,
    person: str = "",
    content_type: Any = None,
    kind: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    object_id: str = "",
) -> QuerySet:
    """Audit events matching the filters, newest first."""
    events = AuditEvent.objects.select_related("user", "subject_user", "content_type")
    if person:
        events = events.filter(
            Q(username__icontains=person)
            | Q(user__person__last_name__icontains=person)
            | Q(user__person__first_name__icontains=person)
            | Q(subject_user__username__icontains=person)
        )
    if content_type is not None:
        events = events.filter(content_type=content_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if kind:
        events = events.filter(kind=kind)
    if date_from:
        events = events.filter(occurred_at__date__gte=date_from)
    if date_to:
        events = events.filter(occurred_at__date__lte=date_to)
    return events


def history_changes(
    model: type,
    *,
    person: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet:
    """Historical records of every object of ``model`` matching the filters, newest first."""
    records = model.history.select_related("history_user").order_by("-history_date", "-history_id")
    if person:
        records = records.filter(
            Q(history_user__username__icontains=person)
            | Q(history_user__person__last_name__icontains=person)
            | Q(history_user__person__first_name__icontains=person)
        )
    if date_from:
        records = records.filter(history_date__date__gte=date_from)
    if date_to:
        records = records.filter(history_date__date__lte=date_to)
    return records
