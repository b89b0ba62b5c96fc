from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("incidents", "0010_actor_alerts_and_statuses")]
    operations = []
