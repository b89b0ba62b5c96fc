from django.db import migrations

from core.append_only import protect

AUDIT = {
    "app_label": "actors",
    "model_name": "auditevent",
    # Foreign keys may only be cleared (what they point to was deleted); the names are rewritten
    # only by ssr_audit_scrub below; rows go only when older than 30 days (the purge).
    "clear_only": ("user", "subject_user", "content_type"),
    "scrubbed": ("username", "object_repr"),
    "delete_after": "30 days",
}

FUNCTIONS = """
CREATE OR REPLACE FUNCTION ssr_audit_purge(p_days integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    deleted bigint;
BEGIN
    -- Never younger than 30 days, whatever the caller asks (the trigger says the same).
    DELETE FROM actors_auditevent
        WHERE occurred_at < now() - make_interval(days => greatest(p_days, 30));
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END;
$$;

CREATE OR REPLACE FUNCTION ssr_audit_scrub(p_user_id bigint, p_person_type integer, p_person_id text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    -- Only for a person already anonymised, and only to the anonymous name they now carry.
    UPDATE actors_auditevent AS e SET object_repr = left(p.first_name || ' ' || p.last_name, 300)
        FROM actors_person AS p
        WHERE p.id::text = p_person_id AND p.anonymised_at IS NOT NULL
          AND e.content_type_id = p_person_type AND e.object_id = p_person_id;
    -- Only for a closed login renamed by the anonymisation.
    UPDATE actors_auditevent AS e SET username = u.username
        FROM auth_user AS u
        WHERE u.id = p_user_id AND NOT u.is_active AND u.username = 'anonymiserad-' || u.id
          AND e.user_id = u.id;
END;
$$;
"""


def forwards(apps, schema_editor):
    protect(apps, schema_editor, **AUDIT)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS)


def backwards(apps, schema_editor):
    protect(
        apps,
        schema_editor,
        app_label="actors",
        model_name="auditevent",
        mutable=("user", "subject_user", "content_type", "username", "object_repr"),
        allow_delete=True,
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS ssr_audit_purge(integer);"
            "DROP FUNCTION IF EXISTS ssr_audit_scrub(bigint, integer, text);"
        )


class Migration(migrations.Migration):
    """The audit trail holds against the application role: no deletes younger than 30 days, no
    re-attribution; the purge and the scrub go through the owner's functions."""

    dependencies = [("actors", "0006_audit_kinds")]
    operations = [migrations.RunPython(forwards, backwards)]
