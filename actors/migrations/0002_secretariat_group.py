from django.db import migrations

SECRETARIAT_GROUP = "secretariat"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=SECRETARIAT_GROUP)


class Migration(migrations.Migration):
    """The secretariat (samordningskansliet) group exists in every installation."""

    dependencies = [
        ("actors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
