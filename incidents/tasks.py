"""Background work for activated mode."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def escalate_alerts() -> int:
    """Every minute: escalate unacknowledged activation alerts (see alerts.escalate)."""
    from .alerts import escalate

    return escalate()


@shared_task(ignore_result=True)
def remind_overdue_reports() -> int:
    from .alerts import remind_overdue

    return remind_overdue()


@shared_task(ignore_result=True)
def escalate_signals() -> int:
    """Every 30 seconds: send signals nobody has seen in SIGNAL_ESCALATE_MINUTES to the RKK on
    duty and the secretariat's duty address (see signal_alerts.escalate_signals; each signal is
    claimed once, so a repeated run sends nothing twice)."""
    from .signal_alerts import escalate_signals as escalate

    return escalate()
