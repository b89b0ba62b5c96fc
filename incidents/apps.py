from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """Activated mode: incidents, situation reports, the common picture (the incidents issue)."""

    name = "incidents"
    verbose_name = _("Incidents")
