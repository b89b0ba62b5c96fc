from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """A generic outbox: callers render their messages; this app stores, sends and retries them.
    It knows nothing of forums or incidents."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from actors.signals import person_anonymised, personal_data_export

        from . import tasks  # noqa: F401  (registers the tasks the services send by name)
        from .kinds import register_kind

        # Webhook deliveries go to systems, and a paused subscription's owner must hear of it.
        register_kind("webhook", label=_("Webhooks"), choosable=False)
        register_kind("webhook_paused", label=_("Paused webhooks"), choosable=False)

        personal_data_export.connect(_export, dispatch_uid="notifications-personal-data")
        person_anonymised.connect(_anonymise, dispatch_uid="notifications-anonymise")


def _export(sender, person, **kwargs) -> dict:
    from .services import personal_data

    return personal_data(person)


def _anonymise(sender, person, **kwargs) -> None:
    from .services import personal_data_anonymise

    personal_data_anonymise(person)
