#!/bin/sh
# Runs once, when the database volume is new: the application role the portal logs in as. It
# owns nothing; `manage.py migrate` (as the owner) grants it its privileges.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_password="${APP_DB_PASSWORD:?set APP_DB_PASSWORD}" <<'SQL'
CREATE ROLE ssr_app LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
SQL
