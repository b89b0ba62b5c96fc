"""PostgreSQL as in production, for the test suite: the tests connect as the application role,
which may not TRUNCATE. Emptying the database between transactional tests (Django's flush) is
set-up work, like a migration, so it alone runs as the owner."""

import psycopg
from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def execute_sql_flush(self, sql_list: list[str]) -> None:
        settings = self.connection.settings_dict
        owner = settings.get("OWNER_USER")
        if not owner or owner == settings["USER"]:
            return super().execute_sql_flush(sql_list)
        with (
            psycopg.connect(
                dbname=settings["NAME"],
                user=owner,
                password=settings.get("OWNER_PASSWORD") or None,
                host=settings["HOST"] or None,
                port=settings["PORT"] or None,
                connect_timeout=10,
            ) as owner_connection,
            owner_connection.cursor() as cursor,
        ):
            # Bounded: a test connection still holding a lock fails the flush, not hangs it.
            cursor.execute("SET lock_timeout = '30s'")
            for sql in sql_list:
                cursor.execute(sql)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
