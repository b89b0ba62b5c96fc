import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="actors", model="auditevent").update(app_label="core")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="core", model="auditevent").update(app_label="actors")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('actors', '0007_audit_two_roles'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The table, its triggers and the owner's functions exist already (actors 0004, 0007): only
        # Django's idea of which app the model belongs to moves, and its content type with it.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('occurred_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
                        ('kind', models.CharField(choices=[('login', 'Login'), ('login_failed', 'Failed login'), ('logout', 'Logout'), ('lockout', 'Locked out'), ('unlock', 'Lock lifted'), ('otp_enrolled', 'Two-factor enrolled'), ('otp_reset', 'Two-factor reset'), ('otp_codes', 'Backup codes renewed'), ('otp_failed', 'Failed two-factor code'), ('sessions_ended', 'Logged out everywhere'), ('permission_granted', 'Permission granted'), ('permission_withdrawn', 'Permission withdrawn'), ('group_added', 'Added to group'), ('group_removed', 'Removed from group'), ('group_permission_granted', 'Permission granted to group'), ('group_permission_withdrawn', 'Permission withdrawn from group'), ('calendar_downloaded', 'Meeting calendar downloaded'), ('calendar_feed_fetched', 'Calendar feed fetched'), ('download', 'Restricted file downloaded'), ('export', 'Export'), ('person_exported', 'Personal data exported'), ('person_anonymised', 'Person anonymised')], db_index=True, max_length=30, verbose_name='event')),
                        ('username', models.CharField(blank=True, db_index=True, max_length=150, verbose_name='user name')),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                        ('object_id', models.CharField(blank=True, max_length=64, verbose_name='object id')),
                        ('object_repr', models.CharField(blank=True, max_length=300, verbose_name='object')),
                        ('detail', models.CharField(blank=True, max_length=500, verbose_name='detail')),
                        ('content_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contenttypes.contenttype', verbose_name='object type')),
                        ('subject_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='concerns user')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ],
                    options={
                        'verbose_name': 'audit event',
                        'verbose_name_plural': 'audit events',
                        'db_table': 'actors_auditevent',
                        'ordering': ['-occurred_at', '-pk'],
                        'indexes': [models.Index(fields=['content_type', 'object_id'], name='actors_audi_content_1d771c_idx')],
                    },
                ),
            ],
            database_operations=[migrations.RunPython(move_content_type, move_content_type_back)],
        ),
    ]
