from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """Ordinary mode: goals, the operational plan, capabilities, exercises and lessons."""

    name = "planning"
    verbose_name = _("Ordinary-mode planning")
