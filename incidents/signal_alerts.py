"""A member's signal reaches someone: the RSIB on duty at once on every channel they have, with
an acknowledgement link; the fallback (the RKK on duty and the secretariat's duty address) when
no RSIB is on duty, or when nobody has seen the signal in SIGNAL_ESCALATE_MINUTES. Every
recipient is a receipt line, so the signaller and the RSIB see who was alerted and who has seen
it, when and how. Rendered here, sent by the outbox; repeat-safe by the receipt lines and the
outbox's dedupe keys."""

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, Min, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Person
from core.access import is_secretariat
from notifications.models import Channel
from notifications.services import Outgoing, notifications_queue, render_message

from .models import OnCallRole, Shift, Signal, SignalReceipt
from .roster.selectors import on_duty
from .selectors import can_coordinate

logger = logging.getLogger(__name__)

ACK_SALT = "incidents.signal-receipt"
KIND = "signal_alert"
ALL_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.PORTAL)
DUTY_KEY = "secretariat:duty"
# How the link was opened, as the token carries it.
_VIA = {"e": SignalReceipt.Via.EMAIL, "s": SignalReceipt.Via.SMS}


# --- Who receives a signal ------------------------------------------------------------------


@dataclass
class Recipients:
    """Who a signal made now goes to: the RSIB on duty, or (a gap in the roster) the fallback."""

    rsib: Shift | None
    rkk: Shift | None
    duty_address: bool

    @property
    def describe(self) -> str:
        """The sentence the signal form shows."""
        minutes = settings.SIGNAL_ESCALATE_MINUTES
        if self.rsib is not None:
            return _(
                "Your signal goes at once to the RSIB on duty, %(name)s (e-mail, SMS and the "
                "portal). If nobody has seen it within %(minutes)s minutes it also goes to the "
                "RKK on duty and the secretariat's duty officer."
            ) % {"name": self.rsib.person.full_name, "minutes": minutes}
        if self.rkk is not None:
            return _(
                "No RSIB is on duty right now: your signal goes at once to the RKK on duty, "
                "%(name)s, and the secretariat's duty officer."
            ) % {"name": self.rkk.person.full_name}
        return _(
            "No RSIB is on duty right now: your signal goes at once to the RKK and the "
            "secretariat's duty officer."
        )


def recipients_now(at: datetime.datetime | None = None) -> Recipients:
    shifts = on_duty(at)
    return Recipients(
        rsib=shifts.get(OnCallRole.RSIB),
        rkk=shifts.get(OnCallRole.RKK),
        duty_address=bool(settings.SECRETARIAT_DUTY_EMAIL or settings.SECRETARIAT_DUTY_PHONE),
    )


# --- The acknowledgement link ---------------------------------------------------------------


def ack_token(receipt: SignalReceipt, via: str) -> str:
    """A signed link token for one receipt line; ``via`` "e" (e-mail) or "s" (SMS)."""
    return signing.dumps({"r": receipt.pk, "v": via}, salt=ACK_SALT)


def read_ack_token(token: str) -> tuple[int, str]:
    """(receipt id, how it was opened); raises signing.SignatureExpired or BadSignature."""
    data = signing.loads(token, salt=ACK_SALT, max_age=settings.ACKNOWLEDGEMENT_LINK_HOURS * 3600)
    via = _VIA.get(data.get("v"))
    if not isinstance(data.get("r"), int) or via is None:
        raise signing.BadSignature("Not a signal receipt token.")
    return data["r"], via


def _ack_url(receipt: SignalReceipt, via: str) -> str:
    return settings.SITE_URL + reverse(
        "incidents:signal_acknowledge", args=[ack_token(receipt, via)]
    )


# --- Sending --------------------------------------------------------------------------------


def _receipt(
    signal: Signal, *, key: str, role: str, person: Person | None, address: str, fallback: bool
) -> SignalReceipt:
    """The receipt line of one recipient, created once (a retry finds it)."""
    receipt, created = SignalReceipt.objects.get_or_create(
        signal=signal,
        key=key,
        defaults={
            "role": role,
            "person": person,
            "address": address,
            "alerted_at": timezone.now(),
            "fallback": fallback,
        },
    )
    if not created and receipt.alerted_at is None:
        # They had opened it in the portal before they were alerted: still alerted now.
        SignalReceipt.objects.filter(pk=receipt.pk).update(
            alerted_at=timezone.now(), fallback=fallback
        )
        receipt.refresh_from_db()
        _history([receipt], None)
    return receipt


def _messages(
    signal: Signal, receipt: SignalReceipt, *, reason: str, late: bool = False
) -> list[Outgoing]:
    """The alert of one receipt line: to a person on every channel they have, or to the duty
    address by e-mail and SMS. The key is the signal and the line: a retry queues nothing new."""
    signaller = getattr(signal.signalled_by, "person", None)
    context = {
        "signal": signal,
        "signaller": signaller,
        "signaller_name": signal.signalled_by.get_full_name() or signal.signalled_by.get_username(),
        "municipalities": ", ".join(m.display_name for m in signal.municipalities.all()),
        "ack_url": _ack_url(receipt, "e"),
        "signal_url": settings.SITE_URL + signal.get_absolute_url(),
        "fallback": receipt.fallback,
        "minutes": settings.SIGNAL_ESCALATE_MINUTES,
        "late": late,
        "reason": reason,
    }
    subject, body, html = render_message("email/signal_alert", context)
    prefix = _("EXERCISE") + " " if signal.is_exercise else ""
    sms = _("%(prefix)sSSR signal from %(actor)s: %(what)s Seen it? Acknowledge: %(url)s") % {
        "prefix": prefix,
        "actor": signal.actor.name[:40],
        "what": signal.what[:120].rstrip() + ("…" if len(signal.what) > 120 else ""),
        "url": _ack_url(receipt, "s"),
    }
    key = f"signal:{signal.pk}:{receipt.key}"
    common = {
        "kind": KIND,
        "subject": subject,
        "body": body,
        "html": html,
        "sms": sms,
        "reason": reason,
        "link": signal.get_absolute_url(),
        "key": key,
        "about": receipt,
    }
    if receipt.person is not None:
        return [Outgoing(recipient=receipt.person, channels=ALL_CHANNELS, **common)]
    messages = []
    if settings.SECRETARIAT_DUTY_EMAIL:
        messages.append(
            Outgoing(
                recipient=None,
                channels=(Channel.EMAIL,),
                address=settings.SECRETARIAT_DUTY_EMAIL,
                **common,
            )
        )
    if settings.SECRETARIAT_DUTY_PHONE:
        messages.append(
            Outgoing(
                recipient=None,
                channels=(Channel.SMS,),
                address=settings.SECRETARIAT_DUTY_PHONE,
                **common,
            )
        )
    return messages


def _send_fallback(signal: Signal, now: datetime.datetime, *, late: bool) -> int:
    """The RKK on duty (every channel) and the secretariat's duty address (e-mail and SMS);
    ``late``: the RSIB was alerted but nobody saw the signal in time (else: no RSIB on duty)."""
    messages = []
    rkk = on_duty(now).get(OnCallRole.RKK)
    if rkk is not None:
        receipt = _receipt(
            signal,
            key=f"rkk:{rkk.person_id}",
            role=SignalReceipt.Role.RKK,
            person=rkk.person,
            address="",
            fallback=True,
        )
        messages += _messages(signal, receipt, reason=_("You are the RKK on duty."), late=late)
    if settings.SECRETARIAT_DUTY_EMAIL or settings.SECRETARIAT_DUTY_PHONE:
        address = " / ".join(
            a for a in (settings.SECRETARIAT_DUTY_EMAIL, settings.SECRETARIAT_DUTY_PHONE) if a
        )
        receipt = _receipt(
            signal,
            key=DUTY_KEY,
            role=SignalReceipt.Role.SECRETARIAT,
            person=None,
            address=address[:200],
            fallback=True,
        )
        messages += _messages(
            signal,
            receipt,
            reason=_("This is the secretariat's duty address for signals."),
            late=late,
        )
    if not messages:
        logger.error(
            "Signal %s reaches nobody: no RSIB or RKK on duty and no secretariat duty address.",
            signal.pk,
        )
    notifications_queue(messages)
    return len(messages)


def signal_alert(signal: Signal, *, now: datetime.datetime | None = None) -> None:
    """Alert the RSIB on duty; with a gap in the roster, the fallback at once. Runs in the
    caller's transaction (the signal and its alerts commit together); calling it again for the
    same signal sends nothing twice."""
    now = now or timezone.now()
    rsib = on_duty(now).get(OnCallRole.RSIB)
    if rsib is not None:
        receipt = _receipt(
            signal,
            key=f"rsib:{rsib.person_id}",
            role=SignalReceipt.Role.RSIB,
            person=rsib.person,
            address="",
            fallback=False,
        )
        notifications_queue(_messages(signal, receipt, reason=_("You are the RSIB on duty.")))
        return
    claimed = Signal.objects.filter(pk=signal.pk, escalated_at__isnull=True).update(
        escalated_at=now
    )
    if claimed:
        _signal_history(signal.pk)
    _send_fallback(signal, now, late=False)


def _seen() -> Exists:
    return Exists(SignalReceipt.objects.filter(signal=OuterRef("pk"), seen_at__isnull=False))


def escalate_signals(*, now: datetime.datetime | None = None) -> int:
    """New signals nobody has seen SIGNAL_ESCALATE_MINUTES after they were made go to the
    fallback, once: each is claimed with a conditional update in its own transaction, so a
    repeated or concurrent run finds it claimed. Returns how many were escalated."""
    now = now or timezone.now()
    window = datetime.timedelta(minutes=settings.SIGNAL_ESCALATE_MINUTES)
    due = list(
        Signal.objects.filter(
            status=Signal.Status.NEW, escalated_at__isnull=True, created_at__lte=now - window
        )
        .filter(~_seen())
        .values_list("pk", flat=True)
    )
    escalated = 0
    for pk in due:
        with transaction.atomic():
            claimed = (
                Signal.objects.filter(pk=pk, status=Signal.Status.NEW, escalated_at__isnull=True)
                .filter(~_seen())
                .update(escalated_at=now)
            )
            if not claimed:
                continue
            _signal_history(pk)
            signal = Signal.objects.select_related("actor", "signalled_by").get(pk=pk)
            _send_fallback(signal, now, late=True)
            escalated += 1
    return escalated


# --- Seeing a signal ------------------------------------------------------------------------


@transaction.atomic
def receipt_acknowledge(*, receipt: SignalReceipt, via: str, user: Any = None) -> bool:
    """Record that a receipt line has seen the signal (by its link); False if it already had."""
    user = user if getattr(user, "is_authenticated", False) else None
    updated = SignalReceipt.objects.filter(pk=receipt.pk, seen_at__isnull=True).update(
        seen_at=timezone.now(), seen_via=via, seen_by=user
    )
    if updated:
        _history(SignalReceipt.objects.filter(pk=receipt.pk), user)
    return bool(updated)


@transaction.atomic
def signal_seen_in_portal(*, signal: Signal, user: Any) -> bool:
    """A coordinator (the RSIB on duty, the secretariat) opened the signal: their line is seen,
    made if they were not alerted. False if it was seen already (or the user cannot act)."""
    if not can_coordinate(user):
        return False
    person = Person.objects.filter(user=user).first()
    lines = SignalReceipt.objects.filter(signal=signal)
    line = lines.filter(person=person).first() if person is not None else None
    if line is None and is_secretariat(user):
        # The duty address stands for the secretariat: one of them has now seen it.
        line = lines.filter(key=DUTY_KEY, seen_at__isnull=True).first()
    if line is None:
        if person is not None:
            role = (
                SignalReceipt.Role.SECRETARIAT if is_secretariat(user) else SignalReceipt.Role.RSIB
            )
            key = f"{role}:{person.pk}"
        else:
            role, key = SignalReceipt.Role.SECRETARIAT, f"user:{user.pk}"
        line, _created = SignalReceipt.objects.get_or_create(
            signal=signal, key=key, defaults={"role": role, "person": person}
        )
    return receipt_acknowledge(receipt=line, via=SignalReceipt.Via.PORTAL, user=user)


# --- Reading --------------------------------------------------------------------------------


def receipts(signal: Signal) -> list[SignalReceipt]:
    """The signal's receipt lines, alerted first in the order alerted."""
    rows = list(signal.receipts.select_related("person", "seen_by"))
    return sorted(rows, key=lambda r: (r.alerted_at is None, r.pk))


def open_signals_for(user: Any) -> QuerySet[Signal]:
    """New signals the user can act on (the RSIB on duty and the secretariat), newest first,
    with ``first_seen_at`` (empty while nobody has seen it). Empty for everyone else. Two queries
    at most whatever the number of signals (three with the coordinator check)."""
    if not can_coordinate(user):
        return Signal.objects.none()
    return (
        Signal.objects.filter(status=Signal.Status.NEW)
        .select_related("actor", "signalled_by")
        .annotate(first_seen_at=Min("receipts__seen_at"))
        .order_by("-created_at")
    )


def _history(rows: Any, user: Any) -> None:
    """Conditional updates (first acknowledgement wins) bypass save(); record them in history."""
    SignalReceipt.history.bulk_history_create(list(rows), update=True, default_user=user)


def _signal_history(pk: int) -> None:
    Signal.history.bulk_history_create(
        list(Signal.objects.filter(pk=pk)), update=True, default_user=None
    )
