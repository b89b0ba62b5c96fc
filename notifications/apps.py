from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """A generic outbox: callers render their messages; this app stores, sends and retries them.
    It knows nothing of forums or incidents."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from actors.services import personal_data_anonymisers, personal_data_exporters

        from . import tasks  # noqa: F401  (registers the tasks the services send by name)
        from .services import personal_data, personal_data_anonymise

        personal_data_exporters.append(personal_data)
        personal_data_anonymisers.append(personal_data_anonymise)
