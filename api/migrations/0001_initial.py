# The API's tokens and the append-only log of their requests. Filled by hand from
# `makemigrations --dry-run -v 3`, keeping this file name.
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from core.append_only import protect, unprotect

# The request log is append-only (api.models.ApiRequest.append_only: nothing may change).
TABLE = {"app_label": "api", "model_name": "ApiRequest"}


def protect_requests(apps, schema_editor):
    protect(apps, schema_editor, **TABLE)


def unprotect_requests(apps, schema_editor):
    unprotect(apps, schema_editor, **TABLE)


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("actors", "0011_population_provenance"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120, verbose_name='name of the system')),
                ('scopes', models.JSONField(default=list, verbose_name='scopes')),
                ('secret_hash', models.CharField(editable=False, max_length=64)),
                ('expires_at', models.DateTimeField(verbose_name='expires')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used')),
                ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='actors.actor', verbose_name='actor')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'API token',
                'verbose_name_plural': 'API tokens',
                'ordering': ['actor__name', '-created_at'],
            },
        ),
        migrations.CreateModel(
            name='ApiRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('method', models.CharField(max_length=10)),
                ('path', models.CharField(max_length=500)),
                ('status', models.PositiveSmallIntegerField()),
                ('occurred_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('token', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='api.apitoken')),
            ],
            options={
                'verbose_name': 'API request',
                'verbose_name_plural': 'API requests',
                'ordering': ['-occurred_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalApiToken',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(max_length=120, verbose_name='name of the system')),
                ('scopes', models.JSONField(default=list, verbose_name='scopes')),
                ('secret_hash', models.CharField(editable=False, max_length=64)),
                ('expires_at', models.DateTimeField(verbose_name='expires')),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('actor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='actors.actor', verbose_name='actor')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('revoked_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical API token',
                'verbose_name_plural': 'historical API tokens',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(protect_requests, unprotect_requests),
    ]
