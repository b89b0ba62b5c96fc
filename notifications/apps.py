from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """A generic outbox: callers render their messages; this app stores, sends and retries them.
    It knows nothing of forums or incidents."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the tasks the services send by name)
