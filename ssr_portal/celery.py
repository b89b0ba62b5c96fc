"""The Celery application: configured from Django settings (``CELERY_*``), tasks autodiscovered."""

import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

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

AUTOGROUP = "/proc/self/autogroup"


def lower_group_priority(**_kwargs) -> int | None:
    """The worker's whole session yields the cores too, where Linux shares them by session.

    With the scheduler's autogroups (``kernel.sched_autogroup_enabled``, on in most
    distributions), the cores are shared fairly between sessions first, and a process's
    niceness counts only against the processes of its own session: a worker started in a session
    of its own (``setsid``, a service manager) took as much CPU as all the web processes
    together, however nice its pool processes were. So the worker's main process, when it leads
    its own session (nothing else is in the group), gives the group the same niceness. Only
    ever raised, never lowered; where there are no autogroups nothing is done. Returns the
    group's niceness after, or None."""
    from django.conf import settings

    if os.getsid(0) != os.getpid():
        return None  # a session shared with other programs (a shell, make run): leave it be
    try:
        with open(AUTOGROUP) as group:
            current = int(group.read().split("nice")[1])
        wanted = max(current, settings.CELERY_WORKER_NICE)
        if wanted != current:
            with open(AUTOGROUP, "w") as group:
                group.write(str(wanted))
        return wanted
    except (OSError, IndexError, ValueError):
        return None


worker_init.connect(lower_group_priority, dispatch_uid="ssr-worker-group-nice")
