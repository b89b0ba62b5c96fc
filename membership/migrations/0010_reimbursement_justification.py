# Reimbursement claims against the roster (issue 19, point 9): the rostered RSIB/RKK hours
# recorded with each claim, and the justification a claim above them needs.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("membership", "0009_payment_allocation")]
    operations = [
        migrations.AddField(
            model_name="historicalreimbursement",
            name="justification",
            field=models.TextField(
                blank=True,
                help_text="Required when more hours are claimed than the roster has for the actor.",
                verbose_name="justification of hours above the roster",
            ),
        ),
        migrations.AddField(
            model_name="historicalreimbursement",
            name="rostered_hours",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=8,
                null=True,
                verbose_name="rostered hours",
            ),
        ),
        migrations.AddField(
            model_name="reimbursement",
            name="justification",
            field=models.TextField(
                blank=True,
                help_text="Required when more hours are claimed than the roster has for the actor.",
                verbose_name="justification of hours above the roster",
            ),
        ),
        migrations.AddField(
            model_name="reimbursement",
            name="rostered_hours",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=8,
                null=True,
                verbose_name="rostered hours",
            ),
        ),
    ]
