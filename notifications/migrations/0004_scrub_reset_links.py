from django.db import migrations

SCRUBBED = "(Länken till att återställa lösenordet har tagits bort ur utkorgen.)"


def scrub(apps, schema_editor):
    """Password-reset messages queued before the token was made at send time held the link in
    plain text; the link is a secret and must not rest in the outbox."""
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(kind="password_reset").update(body=SCRUBBED, html="")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_recipient_optional")]
    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
