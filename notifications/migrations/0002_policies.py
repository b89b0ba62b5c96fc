from django.db import migrations

POLICIES = [
    ("activation_alert", "Aktiveringslarm", ["email", "sms", "portal"]),
    ("report_reminder", "Påminnelser om lägesrapport", []),
    ("picture_published", "Ny lägesbild", []),
    ("direction_issued", "Inriktningar", ["portal"]),
    ("joint_message_approved", "Gemensamma budskap", []),
    ("meeting", "Möten", []),
    ("meeting_reminder", "Mötespåminnelser", []),
    ("minutes_approved", "Justerade protokoll", []),
]


def create(apps, schema_editor):
    KindPolicy = apps.get_model("notifications", "KindPolicy")
    for kind, label, mandatory in POLICIES:
        KindPolicy.objects.get_or_create(
            kind=kind, defaults={"label": label, "mandatory_channels": mandatory}
        )


class Migration(migrations.Migration):
    """Activation alerts cannot be switched off; the secretariat edits the rest in the admin."""

    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
