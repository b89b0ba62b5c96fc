"""Every change to the actor registry goes through these functions.

Views, forms, admin actions and management commands call them; each validates the domain rule
and raises ``ValidationError`` with a message a user can act on.
"""

import csv
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from core import audit
from core.models import AuditEvent

from . import scb_table, signals
from .models import (
    Actor,
    ActorFunction,
    Assignment,
    Function,
    Person,
    PopulationFigure,
)
from .scb_table import PopulationRow
from .validators import normalize_org_number


def _assignments_changed(*user_ids: int | None) -> None:
    ids = {user_id for user_id in user_ids if user_id}
    if ids:
        signals.assignments_changed.send(sender=Assignment, user_ids=ids)


def _save_new(instance: Any) -> Any:
    instance.full_clean()
    instance.save()
    return instance


def _apply(instance: Any, data: dict[str, Any]) -> Any:
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def _normalized_actor_data(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if data.get("org_number"):
        data["org_number"] = normalize_org_number(data["org_number"])
    if data.get("kind") and data["kind"] != Actor.Kind.MUNICIPALITY:
        if data.get("municipality_code"):
            raise ValidationError(
                {"municipality_code": _("Only municipalities have a municipality code.")}
            )
        if data.get("cluster"):
            raise ValidationError({"cluster": _("Only municipalities belong to a cluster.")})
    return data


# Every write here is the outermost transaction of its request, so each is durable: a call
# nested in another transaction raises instead of being taken for a committed one.

# --- Actors ---------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def actor_create(**data: Any) -> Actor:
    return _save_new(Actor(**_normalized_actor_data(data)))


@transaction.atomic(durable=True)
def actor_update(*, actor: Actor, **data: Any) -> Actor:
    return _apply(actor, _normalized_actor_data(data))


# --- Functions ------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def function_create(*, name: str, description: str = "") -> Function:
    return _save_new(Function(name=name.strip(), description=description))


@transaction.atomic(durable=True)
def function_update(*, function: Function, **data: Any) -> Function:
    return _apply(function, data)


@transaction.atomic(durable=True)
def actor_function_add(*, actor: Actor, function: Function, **data: Any) -> ActorFunction:
    if ActorFunction.objects.filter(actor=actor, function=function).exists():
        raise ValidationError(
            _("%(actor)s already has the function %(function)s.")
            % {"actor": actor, "function": function}
        )
    return _save_new(ActorFunction(actor=actor, function=function, **data))


@transaction.atomic(durable=True)
def actor_function_update(*, actor_function: ActorFunction, **data: Any) -> ActorFunction:
    return _apply(actor_function, data)


@transaction.atomic(durable=True)
def actor_function_remove(*, actor_function: ActorFunction) -> None:
    """Remove a function an actor no longer has; refused while it has assignment history."""
    if actor_function.assignments.exists():
        raise ValidationError(
            _(
                "%(function)s at %(actor)s has assignments. End them instead; the history of "
                "who held the function is kept."
            )
            % {"function": actor_function.function, "actor": actor_function.actor}
        )
    actor_function.delete()


# --- People and assignments -----------------------------------------------------------------


@transaction.atomic(durable=True)
def person_create(**data: Any) -> Person:
    return _save_new(Person(**data))


@transaction.atomic(durable=True)
def person_update(*, person: Person, **data: Any) -> Person:
    previous_user_id = Person.objects.values_list("user_id", flat=True).get(pk=person.pk)
    person = _apply(person, data)
    _assignments_changed(previous_user_id, person.user_id)
    return person


def _check_assignment(assignment: Assignment) -> None:
    assignment.full_clean()
    if assignment.ends_on and assignment.ends_on < assignment.starts_on:
        raise ValidationError({"ends_on": _("The assignment cannot end before it starts.")})
    far_future = datetime.date.max
    overlapping = Assignment.objects.filter(
        actor_function_id=assignment.actor_function_id,
        person_id=assignment.person_id,
        role=assignment.role,
        starts_on__lte=assignment.ends_on or far_future,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=assignment.starts_on))
    if assignment.pk:
        overlapping = overlapping.exclude(pk=assignment.pk)
    if overlapping.exists():
        raise ValidationError(
            _(
                "%(person)s already has this assignment for part of that period. Change the "
                "existing assignment instead."
            )
            % {"person": assignment.person}
        )


@transaction.atomic(durable=True)
def assignment_create(
    *,
    actor_function: ActorFunction,
    person: Person,
    role: str = Assignment.Role.HOLDER,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> Assignment:
    assignment = Assignment(
        actor_function=actor_function,
        person=person,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _check_assignment(assignment)
    assignment.save()
    _assignments_changed(person.user_id)
    return assignment


@transaction.atomic(durable=True)
def assignment_update(*, assignment: Assignment, **data: Any) -> Assignment:
    previous_user_id = assignment.person.user_id
    for name, value in data.items():
        setattr(assignment, name, value)
    _check_assignment(assignment)
    assignment.save()
    _assignments_changed(previous_user_id, assignment.person.user_id)
    return assignment


@transaction.atomic(durable=True)
def assignment_end(*, assignment: Assignment, ends_on: datetime.date) -> Assignment:
    """End an assignment on a day (inclusive); the record stays as history."""
    if ends_on < assignment.starts_on:
        raise ValidationError(
            {
                "ends_on": _("The assignment cannot end before it starts (%(date)s).")
                % {"date": assignment.starts_on.isoformat()}
            }
        )
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    _assignments_changed(assignment.person.user_id)
    return assignment


# --- Population figures ---------------------------------------------------------------------


@dataclass
class PopulationImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


POPULATION_COLUMNS = ["municipality_code", "reference_date", "inhabitants", "source"]
# Words of a source that names who republished SCB's figure (Swedish, and the old English texts).
REPUBLISHED_WORDS = (
    "återgiven",
    "publicerad av",
    "rapporterad av",
    "cited",
    "published",
    "reported",
)


def population_kind(source: str) -> str:
    """The provenance a source text states: demo data, SCB's own table, or SCB's figure as
    another source republished it (anything that does not start with SCB's name)."""
    lowered = source.strip().lower()
    if "demo" in lowered:
        return PopulationFigure.Kind.DEMO
    if any(word in lowered for word in REPUBLISHED_WORDS) or not lowered.startswith("scb"):
        return PopulationFigure.Kind.REPUBLISHED
    return PopulationFigure.Kind.SCB


def population_file_text(data: bytes) -> str:
    """An uploaded population file as text: UTF-8 (with or without BOM), else Windows-1252
    (what SCB's Statistikdatabasen and Excel save on Swedish Windows), else Latin-1. Raises
    ValueError for a file that is not text at all (it has NUL bytes, as binary files and
    UTF-16 have)."""
    if b"\x00" in data:
        raise ValueError(_("The file is not text: neither UTF-8 nor Windows-1252."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # every byte is a character: never fails


def population_csv_parse(lines: Iterable[str]) -> tuple[list[PopulationRow], list[str]]:
    """Parse a population file in either of two formats, detected from its header:

    - the portal's own ``municipality_code,reference_date,inhabitants[,source]`` rows (a source
      with unquoted commas, as SCB's table titles have, keeps the rest of the line);
    - the table SCB's Statistikdatabasen (PxWeb) exports for "Folkmängd efter region och år":
      comma or semicolon separated, a header ``"region",["ålder","kön",]"2024"[,"2025"...]`` and
      rows ``"0114 Upplands Väsby",48275`` (see ``scb_table``).

    Returns the good rows and one message per bad line (with its line number).
    """

    lines = list(lines)
    if not any(line.strip() for line in lines):
        return [], [_("The file is empty.")]
    table = scb_table.detect(lines)
    if table is not None:
        return scb_table.parse(lines, table)
    return _portal_csv_parse(lines)


def _portal_csv_parse(lines: list[str]) -> tuple[list[PopulationRow], list[str]]:
    rows: list[PopulationRow] = []
    errors: list[str] = []
    reader = csv.reader(lines)
    header = [column.strip().lower() for column in next(reader)]  # not empty: checked above
    if header[:3] != POPULATION_COLUMNS[:3] or (len(header) > 3 and header[3] != "source"):
        return [], [
            _(
                "Line 1: the header must be %(columns)s, or that of SCB's table "
                '"Folkmängd efter region och år" ("region","2024"), not %(header)s.'
            )
            % {"columns": ",".join(POPULATION_COLUMNS), "header": ",".join(header)}
        ]
    seen: dict[tuple[str, datetime.date], int] = {}
    for fields in reader:
        line = reader.line_num
        if not any(value.strip() for value in fields):
            continue
        if len(fields) < 3:
            errors.append(
                _("Line %(line)s: expected at least 3 columns, found %(count)s.")
                % {"line": line, "count": len(fields)}
            )
            continue
        code, date_text, count_text = (value.strip() for value in fields[:3])
        source = ",".join(fields[3:]).strip() or "SCB"
        problems = []
        if not (len(code) == 4 and code.isdigit()):
            problems.append(_("municipality code %(code)r is not four digits") % {"code": code})
        try:
            reference_date = datetime.date.fromisoformat(date_text)
        except ValueError:
            reference_date = None
            problems.append(
                _("reference date %(date)r is not a date (YYYY-MM-DD)") % {"date": date_text}
            )
        inhabitants = scb_table.count(count_text)
        if inhabitants is None:
            problems.append(
                _("inhabitants %(count)r is not a positive whole number") % {"count": count_text}
            )
        if len(source) > 300:
            problems.append(_("the source is longer than 300 characters"))
        if problems:
            errors.append(
                _("Line %(line)s: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
            continue
        key = (code, reference_date)
        if key in seen:
            errors.append(
                _("Line %(line)s: %(code)s on %(date)s is already given on line %(first)s.")
                % {"line": line, "code": code, "date": reference_date, "first": seen[key]}
            )
            continue
        seen[key] = line
        rows.append(
            PopulationRow(line, code, reference_date, inhabitants, source, population_kind(source))
        )
    return rows, errors


@transaction.atomic(durable=True)
def population_figures_import(
    *, rows: list[PopulationRow], dry_run: bool = False
) -> PopulationImportResult:
    """Import parsed rows all or nothing: any unknown municipality code imports no row."""
    result = PopulationImportResult()
    codes = {row.municipality_code for row in rows}
    municipalities = {
        actor.municipality_code: actor
        for actor in Actor.objects.filter(kind=Actor.Kind.MUNICIPALITY, municipality_code__in=codes)
    }
    for row in rows:
        if row.municipality_code not in municipalities:
            result.errors.append(
                _("Line %(line)s: no municipality in the registry has the code %(code)s.")
                % {"line": row.line, "code": row.municipality_code}
            )
    if result.errors:
        return result
    existing = {
        (figure.actor_id, figure.reference_date): figure
        for figure in PopulationFigure.objects.filter(
            actor__in=municipalities.values(),
            reference_date__in={row.reference_date for row in rows},
        )
    }
    for row in rows:
        actor = municipalities[row.municipality_code]
        figure = existing.get((actor.pk, row.reference_date))
        if figure is None:
            result.created += 1
            if not dry_run:
                PopulationFigure.objects.create(
                    actor=actor,
                    reference_date=row.reference_date,
                    inhabitants=row.inhabitants,
                    source=row.source,
                    kind=row.kind,
                )
        elif (figure.inhabitants, figure.source, figure.kind) == (
            row.inhabitants,
            row.source,
            row.kind,
        ):
            result.unchanged += 1
        else:
            result.updated += 1
            if not dry_run:
                figure.inhabitants = row.inhabitants
                figure.source = row.source
                figure.kind = row.kind
                figure.save(update_fields=["inhabitants", "source", "kind"])
    return result


# --- Personal data (GDPR) -------------------------------------------------------------------

# Other apps hold data about people (shifts, minutes recipients, notifications). They register
# here at start-up, so this ground-floor app can export and anonymise without importing them:
# an exporter returns {section title: [rows]}, an anonymiser scrubs what it holds.

ANONYMISED_FIRST_NAME = "Anonymiserad"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def person_export(*, person: Person, by: Any = None) -> dict[str, Any]:
    """Everything the portal holds about a person, as JSON-ready data (the right of access)."""
    user = person.user
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "person": {
            "id": person.pk,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "title": person.title,
            "employer": person.actor.name,
            "email": person.email,
            "mobile": person.mobile,
            "anonymised_at": _jsonable(person.anonymised_at),
        },
        "user_account": None,
        "assignments": [
            {
                "function": a.actor_function.function.name,
                "actor": a.actor_function.actor.name,
                "role": a.role,
                "starts_on": _jsonable(a.starts_on),
                "ends_on": _jsonable(a.ends_on),
            }
            for a in person.assignments.select_related(
                "actor_function__function", "actor_function__actor"
            )
        ],
        "record_history": [
            {
                "at": _jsonable(h.history_date),
                "type": h.history_type,
                "first_name": h.first_name,
                "last_name": h.last_name,
                "email": h.email,
                "mobile": h.mobile,
            }
            for h in person.history.order_by("history_date")
        ],
        "audit_events": [],
    }
    if user is not None:
        data["user_account"] = {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": _jsonable(user.date_joined),
            "last_login": _jsonable(user.last_login),
            "is_active": user.is_active,
        }
        data["audit_events"] = [
            {
                "at": _jsonable(e.occurred_at),
                "event": e.kind,
                "ip_address": e.ip_address,
                "object": e.object_repr,
                "detail": e.detail,
            }
            for e in AuditEvent.objects.filter(Q(user=user) | Q(subject_user=user)).order_by(
                "occurred_at"
            )
        ]
    for _receiver, part in signals.personal_data_export.send(sender=Person, person=person):
        data.update(part)
    audit.record(audit.Kind.PERSON_EXPORTED, user=by, obj=person)
    return data


@transaction.atomic(durable=True)
def person_anonymise(*, person: Person, by: Any = None) -> Person:
    """The person has left the network: replace their name and contact details, here and in the
    record's history, and close their login. Their assignments stay, so what their functions did
    (reports, decisions, log entries) keeps its history, now under an anonymous name."""
    if person.anonymised_at is not None:
        raise ValidationError(_("This person has already been anonymised."))
    scrubbed = {
        "first_name": ANONYMISED_FIRST_NAME,
        "last_name": f"person {person.pk}",
        "title": "",
        "email": "",
        "mobile": "",
    }
    for name, value in scrubbed.items():
        setattr(person, name, value)
    person.anonymised_at = timezone.now()
    person.save()
    person.history.update(**scrubbed)
    user = person.user
    if user is not None:
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        user.username = f"anonymiserad-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.password = make_password(None)
        user.is_active = False
        user.save()
    _scrub_audit_trail(person)
    signals.person_anonymised.send(sender=Person, person=person)
    audit.record(audit.Kind.PERSON_ANONYMISED, user=by, obj=person)
    return person


def _scrub_audit_trail(person: Person) -> None:
    """The audit trail keeps what happened, but no longer names the person. On PostgreSQL the
    application role cannot rewrite audit events: the owner's function ``ssr_audit_scrub`` does,
    and only to the anonymous names the person and login now carry."""
    person_type = ContentType.objects.get_for_model(Person)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ssr_audit_scrub(%s, %s, %s)",
                [person.user_id, person_type.pk, str(person.pk)],
            )
        return
    AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
    ).update(object_repr=person.full_name)
    if person.user_id:
        AuditEvent.objects.filter(user_id=person.user_id).update(username=person.user.username)
