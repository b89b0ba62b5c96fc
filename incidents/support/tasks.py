"""Background work for requests for support. Imported with the package (``__init__``), so the
worker knows the task although ``incidents.support`` is not an app of its own."""

from celery import shared_task


@shared_task(ignore_result=True)
def expire_support_requests() -> int:
    """Every few minutes: open requests past the time they were needed by expire (see
    services.support_requests_expire; each is claimed once, so a repeated run changes nothing)."""
    from .services import support_requests_expire

    return support_requests_expire()
