from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """Activated mode: incidents, situation reports, the common picture, the on-call roster."""

    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from actors.services import assignment_listeners, personal_data_exporters

        from . import tasks  # noqa: F401  (registers the tasks the services send by name)
        from .services import incident_access_sync_users, personal_data

        assignment_listeners.append(incident_access_sync_users)
        personal_data_exporters.append(personal_data)
