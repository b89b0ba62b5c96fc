"""Requests for support between actors (begaran om stod) with their append-only step log, and
the open requests frozen with each published situation picture."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from core.append_only import protect, unprotect

# As SupportRequestEvent.append_only declares today: nothing may change, nothing be deleted.
EVENTS = {"app_label": "incidents", "model_name": "SupportRequestEvent"}


def protect_events(apps, schema_editor):
    protect(apps, schema_editor, **EVENTS)


def unprotect_events(apps, schema_editor):
    unprotect(apps, schema_editor, **EVENTS)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0010_actor_alerts_and_statuses")]
    operations = [
        migrations.AddField(
            model_name="historicalsituationpicture",
            name="requests_snapshot",
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name="situationpicture",
            name="requests_snapshot",
            field=models.JSONField(default=list),
        ),
        migrations.CreateModel(
            name="HistoricalSupportRequest",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("resource", "Resource"),
                            ("information", "Information"),
                            ("decision", "Decision"),
                        ],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="what is needed")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "to_anyone",
                    models.BooleanField(default=False, verbose_name="to any actor taking part"),
                ),
                ("needed_by", models.DateTimeField(verbose_name="needed by")),
                (
                    "priority",
                    models.CharField(
                        choices=[("high", "High"), ("normal", "Normal"), ("low", "Low")],
                        default="normal",
                        max_length=8,
                        verbose_name="priority",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Awaiting an answer"),
                            ("accepted", "Accepted"),
                            ("delivered", "Support delivered"),
                            ("closed", "No longer needed"),
                            ("declined", "Declined"),
                            ("expired", "Expired"),
                        ],
                        default="open",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("partial", models.BooleanField(default=False, verbose_name="partly accepted")),
                ("answer_note", models.TextField(blank=True, verbose_name="answer")),
                (
                    "created_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="raised at"),
                ),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="accepted at"),
                ),
                (
                    "delivered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="delivered at"),
                ),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="ended at")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "answered_by_actor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="actors.actor",
                        verbose_name="accepting actor",
                    ),
                ),
                (
                    "from_report",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="incidents.situationreport",
                        verbose_name="from the situation report",
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
                    "incident",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="incidents.incident",
                    ),
                ),
                (
                    "raised_by",
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
                    "raised_by_actor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="actors.actor",
                        verbose_name="requesting actor",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical request for support",
                "verbose_name_plural": "historical requests for support",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="SupportRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("resource", "Resource"),
                            ("information", "Information"),
                            ("decision", "Decision"),
                        ],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="what is needed")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "to_anyone",
                    models.BooleanField(default=False, verbose_name="to any actor taking part"),
                ),
                ("needed_by", models.DateTimeField(verbose_name="needed by")),
                (
                    "priority",
                    models.CharField(
                        choices=[("high", "High"), ("normal", "Normal"), ("low", "Low")],
                        default="normal",
                        max_length=8,
                        verbose_name="priority",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Awaiting an answer"),
                            ("accepted", "Accepted"),
                            ("delivered", "Support delivered"),
                            ("closed", "No longer needed"),
                            ("declined", "Declined"),
                            ("expired", "Expired"),
                        ],
                        default="open",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("partial", models.BooleanField(default=False, verbose_name="partly accepted")),
                ("answer_note", models.TextField(blank=True, verbose_name="answer")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="raised at")),
                (
                    "answered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="accepted at"),
                ),
                (
                    "delivered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="delivered at"),
                ),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="ended at")),
                (
                    "addressed_actors",
                    models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="actors.actor",
                        verbose_name="addressed actors",
                    ),
                ),
                (
                    "answered_by_actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="actors.actor",
                        verbose_name="accepting actor",
                    ),
                ),
                (
                    "from_report",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="support_requests",
                        to="incidents.situationreport",
                        verbose_name="from the situation report",
                    ),
                ),
                (
                    "incident",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="support_requests",
                        to="incidents.incident",
                    ),
                ),
                (
                    "raised_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "raised_by_actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="actors.actor",
                        verbose_name="requesting actor",
                    ),
                ),
            ],
            options={
                "verbose_name": "request for support",
                "verbose_name_plural": "requests for support",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalSupportRequestEvent",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("raised", "Request raised"),
                            ("accepted", "Accepted"),
                            ("partly_accepted", "Partly accepted"),
                            ("declined", "Declined"),
                            ("delivered", "Support delivered"),
                            ("closed", "Closed as no longer needed"),
                            ("expired", "Expired"),
                        ],
                        max_length=16,
                        verbose_name="step",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("at", models.DateTimeField(blank=True, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="actors.actor",
                        verbose_name="actor",
                    ),
                ),
                (
                    "by",
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
                    "request",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="incidents.supportrequest",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical request step",
                "verbose_name_plural": "historical request steps",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="SupportRequestEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("raised", "Request raised"),
                            ("accepted", "Accepted"),
                            ("partly_accepted", "Partly accepted"),
                            ("declined", "Declined"),
                            ("delivered", "Support delivered"),
                            ("closed", "Closed as no longer needed"),
                            ("expired", "Expired"),
                        ],
                        max_length=16,
                        verbose_name="step",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("at", models.DateTimeField(auto_now_add=True)),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="actors.actor",
                        verbose_name="actor",
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="incidents.supportrequest",
                    ),
                ),
            ],
            options={
                "verbose_name": "request step",
                "verbose_name_plural": "request steps",
                "ordering": ["request", "at", "pk"],
            },
        ),
        migrations.AddIndex(
            model_name="supportrequest",
            index=models.Index(
                fields=["incident", "status"], name="incidents_s_inciden_11c362_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="supportrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["accepted", "delivered"]), _negated=True),
                    ("answered_by_actor__isnull", False),
                    _connector="OR",
                ),
                name="support_request_accepted_has_actor",
            ),
        ),
        migrations.RunPython(protect_events, unprotect_events),
    ]
