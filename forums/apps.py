from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    """Forums, seats, meetings and minutes."""

    name = "forums"
    verbose_name = _("Forums and meetings")

    def ready(self) -> None:
        # Forum access follows assignments: the actors app signals inside the transaction that
        # changes an assignment or a person's login (actors must not import forums).
        from actors.signals import assignments_changed

        assignments_changed.connect(_sync_forum_access, dispatch_uid="forums-access")
        from . import composition

        composition.connect()  # the forum page's cached seat holders follow their rows

        from notifications.kinds import register_kind

        register_kind("meeting", label=_("Meetings"))
        register_kind("meeting_reminder", label=_("Meeting reminders"))
        register_kind("minutes_approved", label=_("Approved minutes"))


def _sync_forum_access(sender, user_ids: set[int], **kwargs) -> None:
    from .services import forum_access_sync_users

    forum_access_sync_users(user_ids)
