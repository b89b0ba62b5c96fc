"""Database-level protection for records that must never change once written (situation reports,
the incident log, published pictures, issued invoices, approved minutes).

The services never update or delete them; these triggers make sure nothing else can either, not
the admin, not a shell, not raw SQL. Used from migrations (PostgreSQL in production and tests,
SQLite for ``make run``).
"""

from collections.abc import Sequence

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ssr_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only record: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def _frozen_columns(model, mutable: Sequence[str]) -> list[str]:
    return [
        f.column for f in model._meta.concrete_fields if f.name not in mutable and not f.primary_key
    ]


def protect(
    apps,
    schema_editor,
    *,
    app_label: str,
    model_name: str,
    mutable: Sequence[str] = (),
    frozen_when: str = "",
    allow_delete: bool = False,
) -> None:
    """Refuse DELETE always, and UPDATE of any column but ``mutable``; with ``frozen_when`` (an SQL
    condition on OLD) only rows matching it are protected. ``allow_delete`` leaves DELETE to a
    retention purge (the audit trail)."""
    model = apps.get_model(app_label, model_name)
    table = model._meta.db_table
    columns = _frozen_columns(model, mutable)
    vendor = schema_editor.connection.vendor
    name = f"{table}_append_only"
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            changed = "ROW({}) IS DISTINCT FROM ROW({})".format(
                ", ".join(f'OLD."{c}"' for c in columns), ", ".join(f'NEW."{c}"' for c in columns)
            )
            condition = f"({frozen_when}) AND {changed}" if frozen_when else changed
            cursor.execute(
                f'CREATE TRIGGER "{name}_update" BEFORE UPDATE ON "{table}" FOR EACH ROW '
                f"WHEN ({condition}) EXECUTE FUNCTION ssr_refuse_change()"
            )
            delete_when = f"WHEN ({frozen_when}) " if frozen_when else ""
            if not allow_delete:
                cursor.execute(
                    f'CREATE TRIGGER "{name}_delete" BEFORE DELETE ON "{table}" FOR EACH ROW '
                    f"{delete_when}EXECUTE FUNCTION ssr_refuse_change()"
                )
        elif vendor == "sqlite":
            changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)
            condition = f"({frozen_when}) AND ({changed})" if frozen_when else f"({changed})"
            cursor.execute(
                f'CREATE TRIGGER "{name}_update" BEFORE UPDATE ON "{table}" FOR EACH ROW '
                f"WHEN {condition} BEGIN SELECT RAISE(ABORT, 'append-only record'); END"
            )
            delete_when = f"WHEN {frozen_when} " if frozen_when else ""
            if not allow_delete:
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
