from django.db import migrations

from core.append_only import protect

# What each protected model may still change, as its `append_only` declaration says today. The
# triggers now compare the whole row less these columns, so a column added later is protected.
TABLES = [
    {"app_label": "planning", "model_name": "ActivityReport"},
    {
        "app_label": "planning",
        "model_name": "GoalPeriodVersion",
        "frozen_when": "OLD.status = 'adopted'",
    },
]


def forwards(apps, schema_editor):
    for table in TABLES:
        protect(apps, schema_editor, **table)


class Migration(migrations.Migration):
    dependencies = [("planning", "0003_follow_up_action_links")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
