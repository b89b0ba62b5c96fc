from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('actors', '0007_audit_two_roles'),
        ('core', '0001_initial'),
    ]

    # The model moved to core with its table (core 0001); nothing changes in the database.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='AuditEvent')], database_operations=[]
        ),
    ]
