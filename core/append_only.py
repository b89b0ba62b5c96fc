"""Records that must never change once written (situation reports, the incident log, published
pictures, issued invoices, approved minutes, the audit trail) are protected twice in PostgreSQL:

- **Triggers** refuse changes whoever makes them, the admin, a shell or raw SQL. A trigger
  compares the whole row (``to_jsonb``) less the columns declared mutable, so a column added to
  the model later is protected without anyone remembering to protect it.
- **Privileges**: the portal runs as an application role that owns nothing (``core.db_roles``):
  it has no UPDATE or DELETE on these tables (bar the declared columns), no TRUNCATE anywhere, and
  cannot disable a trigger, which only the owner of a table can.

A protected model declares what may still change as ``append_only = AppendOnly(...)``; its
migration writes the same declaration (a migration is frozen in time) and a test compares each
trigger in the database with the model's declaration. SQLite (``make run``) gets the triggers in
a simpler form and has no roles.
"""

from collections.abc import Sequence
from dataclasses import dataclass

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ssr_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only record: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


@dataclass(frozen=True)
class AppendOnly:
    """What may still happen to a protected row.

    - ``mutable``: columns that may change freely (the application role may UPDATE them);
    - ``set_once``: columns that may go from empty (NULL or '') to a value once, never change
      after (a document's path: it cannot be swapped; the time a picture was announced);
    - ``clear_only``: foreign keys that may only be cleared (when what they point to is deleted);
    - ``scrubbed``: columns rewritten only by the owner's anonymisation function, never by the
      application role (the audit trail's names);
    - ``frozen_when``: an SQL condition on OLD; only matching rows are protected (approved
      minutes; a draft may change and be deleted);
    - ``delete_after``: rows may be deleted (by the retention purge) once older than this SQL
      interval on ``occurred_at``; without it, never.
    """

    mutable: Sequence[str] = ()
    set_once: Sequence[str] = ()
    clear_only: Sequence[str] = ()
    scrubbed: Sequence[str] = ()
    frozen_when: str = ""
    delete_after: str = ""

    def updatable_columns(self, model) -> list[str]:
        """The columns the application role may UPDATE: all of them for a table whose rows are
        frozen only in some state (the trigger guards the frozen ones), else those declared."""
        if self.frozen_when:
            return [f.column for f in model._meta.concrete_fields if not f.primary_key]
        names = {*self.mutable, *self.set_once, *self.clear_only}
        return [f.column for f in model._meta.concrete_fields if f.name in names]

    def excluded_columns(self, model) -> list[str]:
        """Columns the trigger's whole-row comparison leaves out."""
        names = {*self.mutable, *self.set_once, *self.clear_only, *self.scrubbed}
        return sorted(f.column for f in model._meta.concrete_fields if f.name in names)


def _column(model, name: str) -> str:
    return model._meta.get_field(name).column


def protect(apps, schema_editor, *, app_label: str, model_name: str, **declaration) -> None:
    """Install (or replace) the triggers of one model, as ``AppendOnly(**declaration)`` says.

    ``allow_delete`` (an older migration's word for "the purge may delete") is accepted and means
    no delete trigger at all.
    """
    allow_delete = declaration.pop("allow_delete", False)
    spec = AppendOnly(**declaration)
    model = apps.get_model(app_label, model_name)
    table = model._meta.db_table
    name = f"{table}_append_only"
    vendor = schema_editor.connection.vendor
    unprotect(apps, schema_editor, app_label=app_label, model_name=model_name)
    excluded = spec.excluded_columns(model)
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            minus = "ARRAY[{}]::text[]".format(", ".join(f"'{c}'" for c in excluded))
            changed = [f"(to_jsonb(OLD) - {minus}) IS DISTINCT FROM (to_jsonb(NEW) - {minus})"]
            for field in spec.set_once:
                c = _column(model, field)
                # Empty is NULL or '' (a file's path); a time once set is never empty.
                changed.append(
                    f"(COALESCE(OLD.\"{c}\"::text, '') <> '' "
                    f'AND NEW."{c}" IS DISTINCT FROM OLD."{c}")'
                )
            for field in spec.clear_only:
                c = _column(model, field)
                changed.append(f'(NEW."{c}" IS NOT NULL AND NEW."{c}" IS DISTINCT FROM OLD."{c}")')
            condition = " OR ".join(changed)
            if spec.frozen_when:
                condition = f"({spec.frozen_when}) AND ({condition})"
            cursor.execute(
                f'CREATE TRIGGER "{name}_update" BEFORE UPDATE ON "{table}" FOR EACH ROW '
                f"WHEN ({condition}) EXECUTE FUNCTION ssr_refuse_change()"
            )
            if spec.delete_after:
                delete_when = f"WHEN (OLD.occurred_at > now() - interval '{spec.delete_after}') "
            elif spec.frozen_when:
                delete_when = f"WHEN ({spec.frozen_when}) "
            else:
                delete_when = ""
            if not allow_delete:
                cursor.execute(
                    f'CREATE TRIGGER "{name}_delete" BEFORE DELETE ON "{table}" FOR EACH ROW '
                    f"{delete_when}EXECUTE FUNCTION ssr_refuse_change()"
                )
        elif vendor == "sqlite":
            columns = [
                f.column
                for f in model._meta.concrete_fields
                if f.column not in excluded and not f.primary_key
            ]
            changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)
            condition = f"({spec.frozen_when}) AND ({changed})" if spec.frozen_when else changed
            cursor.execute(
                f'CREATE TRIGGER "{name}_update" BEFORE UPDATE ON "{table}" FOR EACH ROW '
                f"WHEN {condition} BEGIN SELECT RAISE(ABORT, 'append-only record'); END"
            )
            if not allow_delete and not spec.delete_after:
                delete_when = f"WHEN {spec.frozen_when} " if spec.frozen_when else ""
                cursor.execute(
                    f'CREATE TRIGGER "{name}_delete" BEFORE DELETE ON "{table}" FOR EACH ROW '
                    f"{delete_when}BEGIN SELECT RAISE(ABORT, 'append-only record'); END"
                )


def unprotect(apps, schema_editor, *, app_label: str, model_name: str, **_ignored) -> None:
    table = apps.get_model(app_label, model_name)._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        for suffix in ("update", "delete"):
            cursor.execute(
                f'DROP TRIGGER IF EXISTS "{table}_append_only_{suffix}"'
                + (f' ON "{table}"' if schema_editor.connection.vendor == "postgresql" else "")
            )


def protected_models(models) -> list:
    """The models (of an iterable) that declare ``append_only``."""
    return [m for m in models if isinstance(getattr(m, "append_only", None), AppendOnly)]
