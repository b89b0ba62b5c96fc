"""A repeated submit returns the first result instead of acting twice.

A form whose repetition has an outside effect (activating joint mode alerts hundreds of people;
publishing a picture or a joint message, issuing a direction, running the invoices) carries a
fresh random key in a hidden field (``FIELD``; ``new_key()`` when the form is shown). The first
POST with a key records it before it acts; a second POST with the same key (a double click, a
browser's resubmit, a retry after a timeout) acts not at all: it waits for the first to finish
and is sent where the first was sent. The services keep their own guards (a locked signal, a
status checked under a lock) for two people who act at once with different keys.
"""

import datetime
import time
import uuid
from collections.abc import Callable

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyKey

FIELD = "idempotency_key"
KEEP = datetime.timedelta(days=1)
# How long a repeat waits for the first submit to finish before it says it is still running.
WAIT_SECONDS = 15.0
POLL_SECONDS = 0.2


def new_key() -> str:
    return uuid.uuid4().hex


def once(request: HttpRequest, action: Callable[[], HttpResponse]) -> HttpResponse:
    """Run ``action`` (which answers the POST) unless this POST's key was seen before.

    A redirect is remembered for the repeats; any other answer (a form shown again with its
    errors) forgets the key, so that the corrected form can be sent with it again. A POST
    without a valid key acts as before (the services' own guards still hold)."""
    try:
        key = uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return action()
    user_id = request.user.pk if request.user.is_authenticated else None
    IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(key=key, user_id=user_id, path=request.path)
    except IntegrityError:
        return _repeat(request, key, user_id)
    try:
        response = action()
    except BaseException:
        IdempotencyKey.objects.filter(pk=record.pk).delete()
        raise
    location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
    if location:
        IdempotencyKey.objects.filter(pk=record.pk).update(response_url=location[:500])
    else:
        IdempotencyKey.objects.filter(pk=record.pk).delete()
    return response


def _repeat(request: HttpRequest, key: uuid.UUID, user_id: int | None) -> HttpResponse:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        record = IdempotencyKey.objects.filter(key=key).values("user_id", "path", "response_url")
        record = record.first()
        if record is None:  # the first submit failed or showed errors: nothing was done
            break
        if record["user_id"] != user_id or record["path"] != request.path:
            break  # not this person's form: say nothing about where it led
        if record["response_url"]:
            messages.info(request, _("The form had already been sent; this is its result."))
            return redirect(record["response_url"])
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL_SECONDS)
    return render(request, "core/already_sent.html", status=409)
