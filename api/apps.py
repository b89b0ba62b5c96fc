from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API for the actors' own systems (``/api/v1/``): tokens per actor system with
    scopes, on top of every other app; nothing imports it."""

    name = "api"
    verbose_name = _("API for actor systems")
    default_auto_field = "django.db.models.BigAutoField"
