from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    """Forums, seats, meetings and minutes (filled by the forums issue)."""

    name = "forums"
    verbose_name = _("Forums and meetings")
