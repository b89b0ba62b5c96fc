"""Handing work to the Celery workers without ever holding a request.

The work itself is in the database (a picture without its PDF, a notification still pending):
the message on the broker only says "do it now". So a request hands the task over after its
commit, once and without retrying; if the broker is down the request answers as usual and a
beat sweep, which finds the unfinished rows in the database, queues them again later.
"""

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def publish(task: Task, *args: Any, **kwargs: Any) -> bool:
    """Queue ``task`` now, once: no retry, no result kept. False (logged) when the broker
    could not take it; the caller's sweep will queue it again."""
    try:
        # ignore_result: nothing waits for the answer, and a result backend that is down must
        # not be waited for either.
        task.apply_async(args, kwargs, retry=False, ignore_result=True)
    except Exception as exc:  # the broker is unreachable or refused: the sweep takes over
        logger.warning(
            "Could not queue %s%r; a sweep will queue it again: %s", task.name, args, exc
        )
        return False
    return True


def hand_over(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue ``task`` with these (JSON) arguments once the current transaction has committed
    (at once outside a transaction). Never raises: a failed publish is logged and left to the
    sweep that finds the work in the database."""
    transaction.on_commit(lambda: publish(task, *args, **kwargs))
