from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("incidents", "0011_support_requests")]
    operations = []
