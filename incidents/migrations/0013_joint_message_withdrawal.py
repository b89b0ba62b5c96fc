from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("incidents", "0012_conferences_checklist")]
    operations = []
