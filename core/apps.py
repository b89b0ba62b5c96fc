from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared machinery below every app: the audit trail, append-only protection, access checks,
    page and form helpers, file checks, the admin base classes."""

    name = "core"
    verbose_name = _("Shared")

    def ready(self) -> None:
        from . import audit, tasks  # noqa: F401  (tasks registers the retention purge)

        audit.connect_signals()
