from django.db import migrations

from core.append_only import protect

# What each protected model may still change, as its `append_only` declaration says today. The
# triggers now compare the whole row less these columns, so a column added later is protected.
TABLES = [
    {"app_label": "forums", "model_name": "Minutes", "frozen_when": "OLD.status = 'approved'"},
]


def forwards(apps, schema_editor):
    for table in TABLES:
        protect(apps, schema_editor, **table)


class Migration(migrations.Migration):
    dependencies = [("forums", "0004_calendar_feed_rotated_at")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
