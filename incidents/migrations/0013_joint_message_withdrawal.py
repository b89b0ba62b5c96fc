import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def status_field() -> models.CharField:
    return models.CharField(
        choices=[
            ("draft", "Draft"),
            ("approved", "Approved for publication"),
            ("published", "Published"),
            ("withdrawn", "Withdrawn"),
        ],
        default="draft",
        max_length=10,
        verbose_name="status",
    )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0012_conferences_checklist")]
    operations = [
        migrations.AddField(
            model_name="historicaljointmessage",
            name="revision",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="historicaljointmessage",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="withdrawn"),
        ),
        migrations.AddField(
            model_name="historicaljointmessage",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicaljointmessage",
            name="withdrawn_reason",
            field=models.TextField(blank=True, verbose_name="reason for withdrawal"),
        ),
        migrations.AddField(
            model_name="jointmessage",
            name="revision",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="jointmessage",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="withdrawn"),
        ),
        migrations.AddField(
            model_name="jointmessage",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="jointmessage",
            name="withdrawn_reason",
            field=models.TextField(blank=True, verbose_name="reason for withdrawal"),
        ),
        migrations.AlterField(
            model_name="historicaljointmessage", name="status", field=status_field()
        ),
        migrations.AlterField(model_name="jointmessage", name="status", field=status_field()),
    ]
