# CAP alerts (incidents.cap): the alerts as sent, append-only in the database.
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from core.append_only import protect, unprotect

# As CapAlert.append_only declares today: nothing may change.
CAP_ALERT = {"app_label": "incidents", "model_name": "CapAlert"}


def protect_alerts(apps, schema_editor):
    protect(apps, schema_editor, **CAP_ALERT)


def unprotect_alerts(apps, schema_editor):
    unprotect(apps, schema_editor, **CAP_ALERT)


MSG_TYPES = [
    ("Alert", "New alert"),
    ("Update", "Update of the alert"),
    ("Cancel", "Cancellation of the alert"),
]


def content_fields() -> list:
    return [
        ("sender", models.CharField(max_length=200, verbose_name="sender")),
        (
            "msg_type",
            models.CharField(choices=MSG_TYPES, max_length=6, verbose_name="message type"),
        ),
        ("sent", models.DateTimeField(verbose_name="sent")),
        ("references", models.TextField(blank=True, verbose_name="references")),
        ("urgency", models.CharField(max_length=12, verbose_name="urgency")),
        ("severity", models.CharField(max_length=12, verbose_name="severity")),
        ("certainty", models.CharField(max_length=12, verbose_name="certainty")),
        ("headline", models.CharField(max_length=200, verbose_name="headline")),
        ("instruction", models.TextField(blank=True, verbose_name="instruction")),
        ("note", models.TextField(blank=True, verbose_name="note")),
        ("digest", models.CharField(max_length=64)),
        ("xml", models.TextField()),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0013_joint_message_withdrawal"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [
        migrations.CreateModel(
            name="HistoricalCapAlert",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "identifier",
                    models.CharField(db_index=True, max_length=200, verbose_name="identifier"),
                ),
                *content_fields(),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "message",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="incidents.jointmessage",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical CAP alert",
                "verbose_name_plural": "historical CAP alerts",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="CapAlert",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "identifier",
                    models.CharField(max_length=200, unique=True, verbose_name="identifier"),
                ),
                *content_fields(),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cap_alerts",
                        to="incidents.jointmessage",
                    ),
                ),
            ],
            options={
                "verbose_name": "CAP alert",
                "verbose_name_plural": "CAP alerts",
                "ordering": ["-sent", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("msg_type", "Cancel")),
                        fields=("message",),
                        name="cap_one_cancel",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("msg_type", "Alert")),
                        fields=("message",),
                        name="cap_one_alert",
                    ),
                ],
            },
        ),
        migrations.RunPython(protect_alerts, unprotect_alerts),
    ]
