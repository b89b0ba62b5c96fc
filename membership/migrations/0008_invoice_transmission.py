# The delivery work: e-invoice transmissions through the Peppol access point.
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0007_seller_settings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalInvoiceTransmission",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("receiver", models.CharField(max_length=100, verbose_name="receiver")),
                ("notification_uid", models.UUIDField(blank=True, null=True)),
                ("resends", models.PositiveSmallIntegerField(default=0)),
                (
                    "transmission_id",
                    models.CharField(blank=True, max_length=200, verbose_name="transmission id"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Queued"),
                            ("sent", "Sent to the access point"),
                            ("delivered", "Delivered"),
                            ("rejected", "Rejected"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("detail", models.TextField(blank=True, verbose_name="detail")),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("status_changed_at", models.DateTimeField(blank=True, null=True)),
                ("polled_at", models.DateTimeField(blank=True, null=True)),
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
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "invoice",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="membership.invoice",
                        verbose_name="invoice",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical e-invoice transmission",
                "verbose_name_plural": "historical e-invoice transmissions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="InvoiceTransmission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("receiver", models.CharField(max_length=100, verbose_name="receiver")),
                ("notification_uid", models.UUIDField(blank=True, null=True)),
                ("resends", models.PositiveSmallIntegerField(default=0)),
                (
                    "transmission_id",
                    models.CharField(blank=True, max_length=200, verbose_name="transmission id"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Queued"),
                            ("sent", "Sent to the access point"),
                            ("delivered", "Delivered"),
                            ("rejected", "Rejected"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("detail", models.TextField(blank=True, verbose_name="detail")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("status_changed_at", models.DateTimeField(blank=True, null=True)),
                ("polled_at", models.DateTimeField(blank=True, null=True)),
                (
                    "invoice",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="transmission",
                        to="membership.invoice",
                        verbose_name="invoice",
                    ),
                ),
            ],
            options={
                "verbose_name": "e-invoice transmission",
                "verbose_name_plural": "e-invoice transmissions",
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(
                        fields=["status", "polled_at"], name="membership__status_bcf4f7_idx"
                    )
                ],
            },
        ),
    ]
