from django.db import migrations

from core.append_only import protect

# What each protected model may still change, as its `append_only` declaration says today. The
# triggers now compare the whole row less these columns, so a column added later is protected.
TABLES = [
    {"app_label": "incidents", "model_name": "SituationReport"},
    {"app_label": "incidents", "model_name": "LogEntry"},
    # The PDF is attached once after publication and never swapped.
    {"app_label": "incidents", "model_name": "SituationPicture", "set_once": ["pdf"]},
]


def forwards(apps, schema_editor):
    for table in TABLES:
        protect(apps, schema_editor, **table)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0005_history_for_logs")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
