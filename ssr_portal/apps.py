from django.apps import AppConfig, apps
from django.conf import settings
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_application_role(using: str = "default", **_kwargs) -> None:
    """After the owner migrates: give the application role its privileges (core.db_roles)."""
    from core.db_roles import grant_application_role as grant

    grant(connections[using], role=settings.DATABASE_APP_ROLE, models=apps.get_models())


class SsrPortalConfig(AppConfig):
    """The project package: templates tags, site-wide views and commands."""

    name = "ssr_portal"
    verbose_name = "SSR"

    def ready(self) -> None:
        from notifications import secrets
        from notifications.kinds import register_kind

        from . import accounts, auth_cache

        # Registered here, not on import of the URL conf, so that a worker that never loads the
        # URLs still makes the reset token when it sends.
        secrets.register(accounts.PASSWORD_RESET_KIND, accounts.reset_token)
        # Asked for by the user themselves: not offered on the preferences page.
        register_kind(accounts.PASSWORD_RESET_KIND, label=_("Reset password"), choosable=False)
        # The secretariat's notice of a login that waits for its approval.
        register_kind("signup_request", label=_("Login requests"), choosable=False)
        auth_cache.connect()
        # post_migrate is sent once per app with models, after the whole migration: grant once,
        # on the signal of the lowest app.
        post_migrate.connect(
            grant_application_role, sender=apps.get_app_config("core"), dispatch_uid="ssr-grants"
        )
