# Population provenance (issue 19, point 7): each figure says whether it is SCB's own, SCB's
# figure as another source republished it, or demo data; the shipped English source texts are
# rewritten in Swedish (they are printed on invoices).
from django.db import migrations, models

# The shipped sources that were English, and their Swedish wording (actors/data/population_scb.csv).
SWEDISH_SOURCES = {
    "SCB figure for Q4 2024 as cited by Wikipedia": "SCB:s siffra för kvartal 4 2024, återgiven av Wikipedia",
    "SCB figure as published by Södertälje kommun": "SCB:s siffra, publicerad av Södertälje kommun",
    "SCB figure as reported by Newsworthy": "SCB:s siffra, rapporterad av Newsworthy",
}
REPUBLISHED_WORDS = (
    "återgiven",
    "publicerad av",
    "rapporterad av",
    "cited",
    "published",
    "reported",
)


def provenance(apps, schema_editor):
    PopulationFigure = apps.get_model("actors", "PopulationFigure")
    for figure in PopulationFigure.objects.all():
        source = SWEDISH_SOURCES.get(figure.source, figure.source)
        lowered = source.lower()
        if "demo" in lowered:
            kind = "demo"
        elif any(word in lowered for word in REPUBLISHED_WORDS) or not lowered.startswith("scb"):
            kind = "republished"
        else:
            kind = "scb"
        if (source, kind) != (figure.source, figure.kind):
            figure.source, figure.kind = source, kind
            figure.save(update_fields=["source", "kind"])


def back(apps, schema_editor):
    PopulationFigure = apps.get_model("actors", "PopulationFigure")
    for english, swedish in SWEDISH_SOURCES.items():
        PopulationFigure.objects.filter(source=swedish).update(source=english)


class Migration(migrations.Migration):
    dependencies = [("actors", "0010_actor_invoicing")]
    operations = [
        migrations.AddField(
            model_name="historicalpopulationfigure",
            name="kind",
            field=models.CharField(
                choices=[
                    ("scb", "SCB (official)"),
                    ("republished", "SCB figure republished by another source"),
                    ("demo", "Demo data (not real)"),
                ],
                default="scb",
                max_length=12,
                verbose_name="provenance",
            ),
        ),
        migrations.AddField(
            model_name="populationfigure",
            name="kind",
            field=models.CharField(
                choices=[
                    ("scb", "SCB (official)"),
                    ("republished", "SCB figure republished by another source"),
                    ("demo", "Demo data (not real)"),
                ],
                default="scb",
                max_length=12,
                verbose_name="provenance",
            ),
        ),
        migrations.RunPython(provenance, back),
    ]
