import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssr_portal.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - configured by the line above

if settings.WSGI_WARM_UP:
    from .warmup import warm_up  # noqa: E402

    warm_up()
