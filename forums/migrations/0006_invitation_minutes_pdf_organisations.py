import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone

from core.append_only import protect

MINUTES = {"app_label": "forums", "model_name": "Minutes", "frozen_when": "OLD.status = 'approved'"}

# A purpose text once ended in its source, e.g. " (seed 003 §1.4)"; the source now lives in the
# data file's provenance, and the page shows the purpose alone.
SOURCE_NOTE = re.compile(r"\s*\((?:seed|seeds) [^)]*\)", re.IGNORECASE)


def invitations_already_sent(apps, schema_editor):
    """Until now every meeting was announced when it was created: record that invitation, so
    that changes to those meetings still reach the calendars."""
    Meeting = apps.get_model("forums", "Meeting")
    HistoricalMeeting = apps.get_model("forums", "HistoricalMeeting")
    first = (
        HistoricalMeeting.objects.filter(id=OuterRef("pk"))
        .values("id")
        .annotate(first=Min("history_date"))
        .values("first")[:1]
    )
    Meeting.objects.filter(invitation_sent_at__isnull=True).update(
        invitation_sent_at=Subquery(first)
    )
    Meeting.objects.filter(invitation_sent_at__isnull=True).update(
        invitation_sent_at=timezone.now()
    )


def purpose_without_source_notes(apps, schema_editor):
    Forum = apps.get_model("forums", "Forum")
    for forum in Forum.objects.filter(purpose__icontains="(seed"):
        forum.purpose = SOURCE_NOTE.sub("", forum.purpose).strip()
        forum.save(update_fields=["purpose"])


def protect_minutes(apps, schema_editor):
    # SQLite's trigger lists its columns: install it again so that it covers the PDF.
    protect(apps, schema_editor, **MINUTES)


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0009_actor_alert_address"),
        ("forums", "0005_append_only_whole_row"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmeeting",
            name="invitation_sent_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="invitation sent"
            ),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="invitation_sent_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="invitation sent by",
            ),
        ),
        migrations.AddField(
            model_name="historicalminutes",
            name="pdf",
            field=models.TextField(blank=True, editable=False, max_length=100, verbose_name="PDF"),
        ),
        migrations.AddField(
            model_name="historicalminutesrecipient",
            name="address",
            field=models.EmailField(blank=True, max_length=254, verbose_name="e-mail address"),
        ),
        migrations.AddField(
            model_name="historicalminutesrecipient",
            name="capacity",
            field=models.CharField(blank=True, max_length=300, verbose_name="capacity"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="invitation_sent_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="invitation sent"
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="invitation_sent_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="invitation sent by",
            ),
        ),
        migrations.AddField(
            model_name="minutes",
            name="pdf",
            field=models.FileField(
                blank=True, editable=False, upload_to="minutes/", verbose_name="PDF"
            ),
        ),
        migrations.AddField(
            model_name="minutesrecipient",
            name="address",
            field=models.EmailField(blank=True, max_length=254, verbose_name="e-mail address"),
        ),
        migrations.AddField(
            model_name="minutesrecipient",
            name="capacity",
            field=models.CharField(blank=True, max_length=300, verbose_name="capacity"),
        ),
        migrations.AlterField(
            model_name="minutesrecipient",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="actors.person",
            ),
        ),
        migrations.AddConstraint(
            model_name="minutesrecipient",
            constraint=models.UniqueConstraint(
                condition=models.Q(("person__isnull", True)),
                fields=("minutes", "actor"),
                name="minutes_recipient_unique_organisation",
            ),
        ),
        migrations.RunPython(invitations_already_sent, migrations.RunPython.noop),
        migrations.RunPython(purpose_without_source_notes, migrations.RunPython.noop),
        migrations.RunPython(protect_minutes, migrations.RunPython.noop),
    ]
