"""The Celery application: configured from Django settings (``CELERY_*``), tasks autodiscovered."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssr_portal.settings")

app = Celery("ssr_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def lower_priority(**_kwargs) -> int:
    """Each pool process starts at the priority ``CELERY_WORKER_NICE`` asks for (the requests
    come first when the cores are shared); returns the process's niceness."""
    from django.conf import settings

    return os.nice(settings.CELERY_WORKER_NICE)


worker_process_init.connect(lower_priority, dispatch_uid="ssr-worker-nice")
