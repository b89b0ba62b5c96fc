from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    """Forums, seats, meetings and minutes."""

    name = "forums"
    verbose_name = _("Forums and meetings")

    def ready(self) -> None:
        # Forum access follows assignments: the actors app calls this inside the transaction
        # that changes an assignment or a person's login (actors must not import forums).
        from actors.services import assignment_listeners

        from .services import forum_access_sync_users

        assignment_listeners.append(forum_access_sync_users)
