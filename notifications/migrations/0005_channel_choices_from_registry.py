import notifications.models
from django.db import migrations, models


class Migration(migrations.Migration):
    """The channel fields take their choices from the channel registry (no database change)."""

    dependencies = [("notifications", "0004_scrub_reset_links")]

    operations = [
        migrations.AlterField(
            model_name="historicalpreference",
            name="channel",
            field=models.CharField(choices=notifications.models.channel_choices, max_length=10),
        ),
        migrations.AlterField(
            model_name="notification",
            name="channel",
            field=models.CharField(
                choices=notifications.models.channel_choices, max_length=10, verbose_name="channel"
            ),
        ),
        migrations.AlterField(
            model_name="preference",
            name="channel",
            field=models.CharField(choices=notifications.models.channel_choices, max_length=10),
        ),
    ]
