from django.db import migrations

from core.append_only import protect, unprotect

MINUTES = {"app_label": "forums", "model_name": "Minutes", "frozen_when": "OLD.status = 'approved'"}


def forwards(apps, schema_editor):
    protect(apps, schema_editor, **MINUTES)


def backwards(apps, schema_editor):
    unprotect(apps, schema_editor, **MINUTES)


class Migration(migrations.Migration):
    """Approved minutes are locked in the database too."""

    dependencies = [("forums", "0002_escalation_minutes")]
    operations = [migrations.RunPython(forwards, backwards)]
