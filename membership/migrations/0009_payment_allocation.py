# Placeholder of the books work: its operations are filled in by hand from
# `makemigrations --dry-run -v 3`, keeping this file name and its place in the chain.
import django.db.models.deletion
from django.db import migrations, models

SOURCES = [
    ("manual", "Registered by hand"),
    ("bgmax", "BgMax file"),
    ("allocation", "Allocated from an unmatched payment"),
    ("refund", "Refund of an unmatched payment"),
]


class Migration(migrations.Migration):
    dependencies = [("membership", "0008_invoice_transmission")]
    operations = [
        migrations.AddField(
            model_name="historicalpayment",
            name="allocated_from",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="membership.payment",
                verbose_name="allocated from",
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="allocated_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="allocations",
                to="membership.payment",
                verbose_name="allocated from",
            ),
        ),
        migrations.AlterField(
            model_name="historicalpayment",
            name="source",
            field=models.CharField(
                choices=SOURCES, default="manual", max_length=10, verbose_name="source"
            ),
        ),
        migrations.AlterField(
            model_name="payment",
            name="source",
            field=models.CharField(
                choices=SOURCES, default="manual", max_length=10, verbose_name="source"
            ),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        models.Q(
                            ("allocated_from__isnull", False),
                            ("invoice__isnull", False),
                            ("source", "allocation"),
                        ),
                        models.Q(
                            ("allocated_from__isnull", False),
                            ("invoice__isnull", True),
                            ("source", "refund"),
                        ),
                        models.Q(
                            models.Q(("source__in", ("allocation", "refund")), _negated=True),
                            ("allocated_from__isnull", True),
                        ),
                        _connector="OR",
                    ),
                    models.Q(("allocated_from__isnull", True), ("amount__gt", 0), _connector="OR"),
                ),
                name="payment_allocation_shape",
            ),
        ),
    ]
