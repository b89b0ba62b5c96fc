from django.db import migrations, models


class Migration(migrations.Migration):
    """A row being sent holds a lease (owner and expiry) that its worker extends; the sweep takes
    back only rows whose lease ran out. Rows claimed before this (no lease) are taken back after
    NOTIFICATION_STALE_SECONDS as before."""

    dependencies = [("notifications", "0005_channel_choices_from_registry")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="lease_expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="lease_owner",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                fields=["status", "lease_expires_at"], name="notificatio_status_e17520_idx"
            ),
        ),
    ]
