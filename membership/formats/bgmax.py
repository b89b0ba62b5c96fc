"""Bankgirot BgMax: the file of incoming bankgiro payments.

Fixed-width records of 80 characters, each starting with a two-digit transaction code: 01 opens
the file (``01BGMAX``), 20/21 are payments (reference, amount in öre, serial number), 15 closes a
deposit and carries its date. Only reading is needed; matching the payments to invoices is the
import service's work.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _


@dataclass
class BgMaxPayment:
    line: int
    reference: str
    amount: Decimal
    serial: str
    paid_on: datetime.date | None = None


def _date(text: str) -> datetime.date:
    return datetime.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))


def parse(content: str) -> tuple[list[BgMaxPayment], list[str]]:
    """Payments (TK20/TK21) with the date of their deposit (the TK15 that closes the section),
    and what could not be read."""
    lines = content.splitlines()
    if not lines or not lines[0].startswith("01BGMAX"):
        return [], [_("This is not a BgMax file (it must start with 01BGMAX).")]
    payments: list[BgMaxPayment] = []
    section: list[BgMaxPayment] = []
    errors: list[str] = []
    for number, line in enumerate(lines, start=1):
        code = line[:2]
        if code in ("20", "21"):
            try:
                amount = (Decimal(int(line[37:55])) / 100).quantize(Decimal("0.01"))
            except ValueError:
                errors.append(_("Line %(line)s: unreadable amount.") % {"line": number})
                continue
            section.append(BgMaxPayment(number, line[12:37].strip(), amount, line[57:69].strip()))
        elif code == "15":
            try:
                paid_on = _date(line[37:45])
            except ValueError:
                errors.append(_("Line %(line)s: unreadable date.") % {"line": number})
                paid_on = None
            for payment in section:
                payment.paid_on = paid_on
            payments += section
            section = []
    if section:
        errors.append(_("The file ends inside a deposit (no closing TK15 record)."))
    return payments, errors
