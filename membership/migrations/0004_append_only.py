from django.db import migrations

from core.append_only import protect, unprotect

# An issued invoice or credit note never changes: only its documents are attached afterwards.
INVOICE = {"app_label": "membership", "model_name": "Invoice", "mutable": ["pdf", "xml", "emailed_at"]}
LINE = {"app_label": "membership", "model_name": "InvoiceLine"}


def forwards(apps, schema_editor):
    protect(apps, schema_editor, **INVOICE)
    protect(apps, schema_editor, **LINE)


def backwards(apps, schema_editor):
    unprotect(apps, schema_editor, **INVOICE)
    unprotect(apps, schema_editor, **LINE)


class Migration(migrations.Migration):
    dependencies = [("membership", "0003_payments_reimbursements")]
    operations = [migrations.RunPython(forwards, backwards)]
