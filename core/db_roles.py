"""The portal runs under two PostgreSQL roles.

- The **owner** runs the migrations and owns every table, function and trigger.
- The **application role** (``DATABASE_APP_ROLE``), which the web and worker processes log in
  as, owns nothing: it reads and writes rows, but cannot TRUNCATE, cannot alter or drop a table,
  cannot disable a trigger, and on the append-only tables (``core.append_only``) may only INSERT,
  plus UPDATE of the columns each model declares. What it may still do to the audit trail beyond
  inserting (the retention purge, the anonymisation's scrub) it does through two functions that
  run as the owner and check their own limits.

``grant_application_role`` is run after every ``migrate`` by the owner (a post_migrate handler
in ``ssr_portal.apps``), so a new table gets its privileges in the same step that creates it.
"""

from collections.abc import Iterable

from django.db.backends.base.base import BaseDatabaseWrapper

from .append_only import protected_models

# Functions of the owner that the application role may call (see actors' migrations).
APP_FUNCTIONS = ("ssr_audit_purge(integer)", "ssr_audit_scrub(bigint, integer, text)")


def _quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def grant_statements(connection: BaseDatabaseWrapper, *, role: str, models: Iterable) -> list[str]:
    """The SQL that gives ``role`` exactly the application's privileges."""
    r = _quote(connection, role)
    statements = [
        f"GRANT CONNECT ON DATABASE {_quote(connection, connection.settings_dict['NAME'])} TO {r}",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"REVOKE CREATE ON SCHEMA public FROM {r}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {r}",
    ]
    # The migration history is the owner's.
    statements.append(f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {r}")
    for model in protected_models(models):
        table = _quote(connection, model._meta.db_table)
        statements.append(f"REVOKE UPDATE, DELETE ON {table} FROM {r}")
        columns = model.append_only.updatable_columns(model)
        if columns:
            cols = ", ".join(_quote(connection, c) for c in columns)
            statements.append(f"GRANT UPDATE ({cols}) ON {table} TO {r}")
        if model.append_only.frozen_when:
            # Drafts may be deleted; the trigger refuses the frozen rows.
            statements.append(f"GRANT DELETE ON {table} TO {r}")
    for function in APP_FUNCTIONS:
        statements.append(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        statements.append(f"GRANT EXECUTE ON FUNCTION {function} TO {r}")
    return statements


def grant_application_role(connection: BaseDatabaseWrapper, *, role: str, models: Iterable) -> None:
    """Apply the privileges (as the owner, in one transaction). PostgreSQL only."""
    if connection.vendor != "postgresql" or not role:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role:
            return  # the application role itself (a flush in the tests): nothing it may grant
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise RuntimeError(
                f"The application role {role!r} does not exist: create it first "
                f"(CREATE ROLE {role} LOGIN PASSWORD '...'), then migrate again."
            )
        cursor.execute(
            "SELECT rolsuper OR rolbypassrls OR pg_has_role(%s, current_user, 'MEMBER') "
            "FROM pg_roles WHERE rolname = %s",
            [role, role],
        )
        if cursor.fetchone()[0]:
            raise RuntimeError(
                f"The application role {role!r} must be neither a superuser nor a member of "
                "the owner role: it would then be allowed everything it must not do."
            )
        for statement in grant_statements(connection, role=role, models=models):
            cursor.execute(statement)
