from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    """Agreements, fee schedules and invoicing (filled by the membership issue)."""

    name = "membership"
    verbose_name = _("Membership and fees")

    def ready(self) -> None:
        from notifications.kinds import register_kind

        from . import tasks  # noqa: F401  (registers the tasks the services send by name)

        # Invoices and reminders go to the actor's invoice address: not a personal choice.
        register_kind("invoice", label=_("Invoices"), choosable=False)

        from notifications.channels import register

        from .peppol_channel import PeppolChannel

        register(PeppolChannel)
