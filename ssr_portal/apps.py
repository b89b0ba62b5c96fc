from django.apps import AppConfig


class SsrPortalConfig(AppConfig):
    """The project package: templates tags, site-wide views and commands."""

    name = "ssr_portal"
    verbose_name = "SSR"
