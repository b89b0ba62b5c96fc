"""A published picture is announced by a worker after the publication's commit: the time it was
is recorded, set once. Every picture published before this was announced in its own request."""

from django.db import migrations, models
from django.db.models import F

from core.append_only import protect

# As SituationPicture.append_only says today.
PICTURE = {
    "app_label": "incidents",
    "model_name": "SituationPicture",
    "set_once": ["pdf", "announced_at"],
}


def forwards(apps, schema_editor):
    # The trigger first: it must leave the new column out before the rows get their time.
    protect(apps, schema_editor, **PICTURE)
    SituationPicture = apps.get_model("incidents", "SituationPicture")
    SituationPicture.objects.filter(announced_at__isnull=True).update(
        announced_at=F("published_at")
    )


def backwards(apps, schema_editor):
    protect(apps, schema_editor, app_label="incidents", model_name="SituationPicture",
            set_once=["pdf"])


class Migration(migrations.Migration):
    dependencies = [("incidents", "0014_cap_alerts")]

    operations = [
        migrations.AddField(
            model_name="historicalsituationpicture",
            name="announced_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="situationpicture",
            name="announced_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
