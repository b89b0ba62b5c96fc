from django.db import migrations

from core.append_only import protect

# What each protected model may still change, as its `append_only` declaration says today. The
# triggers now compare the whole row less these columns, so a column added later is protected.
TABLES = [
    # The documents are attached once and never swapped; the e-mail time is bookkeeping.
    {
        "app_label": "membership",
        "model_name": "Invoice",
        "set_once": ["pdf", "xml"],
        "mutable": ["emailed_at"],
    },
    {"app_label": "membership", "model_name": "InvoiceLine"},
]


def forwards(apps, schema_editor):
    for table in TABLES:
        protect(apps, schema_editor, **table)


class Migration(migrations.Migration):
    dependencies = [("membership", "0004_append_only")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
