from django.db import migrations

from core.append_only import protect, unprotect

TABLES = [
    {"app_label": "planning", "model_name": "ActivityReport"},
    # An adopted version of the goals is kept exactly as adopted; a revision is a new version.
    {
        "app_label": "planning",
        "model_name": "GoalPeriodVersion",
        "frozen_when": "OLD.status = 'adopted'",
    },
]


def forwards(apps, schema_editor):
    for table in TABLES:
        protect(apps, schema_editor, **table)


def backwards(apps, schema_editor):
    for table in TABLES:
        unprotect(apps, schema_editor, **table)


class Migration(migrations.Migration):
    """Follow-up reports and adopted goal versions are append-only in the database, not only in
    the services."""

    dependencies = [("planning", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
