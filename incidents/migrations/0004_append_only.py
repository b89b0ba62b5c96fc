
from django.db import migrations

from core.append_only import protect, unprotect

TABLES = [
    {"app_label": "incidents", "model_name": "SituationReport"},
    {"app_label": "incidents", "model_name": "LogEntry"},
    # The PDF is rendered after publication; everything else is frozen.
    {"app_label": "incidents", "model_name": "SituationPicture", "mutable": ["pdf"]},
]


def forwards(apps, schema_editor):
    for table in TABLES:
        protect(apps, schema_editor, **table)


def backwards(apps, schema_editor):
    for table in TABLES:
        unprotect(apps, schema_editor, **table)


class Migration(migrations.Migration):
    """Situation reports, the incident log and published pictures are append-only in the
    database, not only in the services."""

    dependencies = [("incidents", "0003_seat_alerts")]
    operations = [migrations.RunPython(forwards, backwards)]
