"""The portal's own ledger: balances per account for a fiscal (calendar) year, summed in the
database from the domain rows (never from an SIE file), so that the SIE export can be checked
against it.

The bookings (accounts from ``settings.SIE_ACCOUNTS``):

- an invoice, on its issue date: debit receivable, credit income;
- an internal settlement (an actor that pays by internal transfer), on its issue date: debit
  the internal account, credit income;
- a credit note, on its issue date: the reverse of what it credits (receivable, or the internal
  account for a credited internal settlement);
- a payment received, on its paid date: debit bank; credit receivable when it is matched to an
  invoice, else the unallocated-payments liability;
- an allocation of an unmatched payment, on its date: debit unallocated, credit receivable;
- a refund of an unmatched payment, on its date: debit unallocated, credit bank.

Balance accounts (classes 1 and 2) carry an opening balance (everything dated before 1 January)
and a closing balance; result accounts (3–8) only the year's movements.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from .models import Invoice, Payment

ZERO = Decimal("0.00")

# The names of the accounts in the SIE file (#KONTO).
ACCOUNT_NAMES = {
    "receivable": "Kundfordringar",
    "internal": "Fordran internt avräknade avgifter",
    "unallocated": "Ej fördelade inbetalningar",
    "income": "Medlemsavgifter",
    "bank": "Bank",
}


def accounts() -> dict[str, str]:
    """The account number per role (receivable, internal, unallocated, income, bank)."""
    return dict(settings.SIE_ACCOUNTS)


def is_balance_account(account: str) -> bool:
    """Assets and liabilities (BAS classes 1 and 2); the rest are result accounts."""
    return account[:1] in ("1", "2")


@dataclass
class Balances:
    """One fiscal year: ``opening`` and ``closing`` per balance account, ``movements`` (the
    sum of the year's transactions, debit positive) per account used."""

    year: int
    opening: dict[str, Decimal] = field(default_factory=dict)
    movements: dict[str, Decimal] = field(default_factory=dict)
    closing: dict[str, Decimal] = field(default_factory=dict)

    @property
    def accounts(self) -> set[str]:
        return set(self.opening) | set(self.movements) | set(self.closing)


def _sum(rows: QuerySet) -> Decimal:
    return rows.aggregate(s=Sum("amount" if rows.model is Payment else "total"))["s"] or ZERO


def dated(rows: QuerySet, name: str, start: datetime.date | None, end: datetime.date) -> QuerySet:
    """The rows whose date ``name`` falls from ``start`` (or the beginning) to ``end``."""
    rows = rows.filter(**{f"{name}__lte": end})
    return rows.filter(**{f"{name}__gte": start}) if start else rows


def movements(*, start: datetime.date | None, end: datetime.date) -> dict[str, Decimal]:
    """The sum per account of every booking dated from ``start`` (or the beginning) to ``end``,
    both included; debit positive, credit negative."""
    acc = accounts()
    result: dict[str, Decimal] = defaultdict(lambda: ZERO)

    def book(debit: str, credit: str, amount: Decimal) -> None:
        if amount:
            result[acc[debit]] += amount
            result[acc[credit]] -= amount

    invoices = dated(Invoice.objects.all(), "issue_date", start, end)
    book("receivable", "income", _sum(invoices.filter(kind=Invoice.Kind.INVOICE)))
    book("internal", "income", _sum(invoices.filter(kind=Invoice.Kind.INTERNAL)))
    credit_notes = invoices.filter(kind=Invoice.Kind.CREDIT_NOTE)
    internal = Q(credited_invoice__kind=Invoice.Kind.INTERNAL)
    book("income", "receivable", _sum(credit_notes.exclude(internal)))
    book("income", "internal", _sum(credit_notes.filter(internal)))

    payments = dated(Payment.objects.all(), "paid_on", start, end)
    received = payments.filter(source__in=Payment.RECEIVED)
    book("bank", "receivable", _sum(received.filter(invoice__isnull=False)))
    book("bank", "unallocated", _sum(received.filter(invoice__isnull=True)))
    book("unallocated", "receivable", _sum(payments.filter(source=Payment.Source.ALLOCATION)))
    book("unallocated", "bank", _sum(payments.filter(source=Payment.Source.REFUND)))
    return {account: amount for account, amount in result.items() if amount}


def balances(year: int) -> Balances:
    """Opening balances (before 1 January), the year's movements and closing balances."""
    first = datetime.date(year, 1, 1)
    before = movements(start=None, end=first - datetime.timedelta(days=1))
    during = movements(start=first, end=datetime.date(year, 12, 31))
    opening = {a: amount for a, amount in before.items() if is_balance_account(a)}
    closing: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for source in (opening, during):
        for account, amount in source.items():
            if is_balance_account(account):
                closing[account] += amount
    return Balances(
        year=year,
        opening=opening,
        movements=during,
        closing={a: amount for a, amount in closing.items() if amount},
    )


def fiscal_years() -> list[int]:
    """The years from the first booking to this year (or the last booking), newest first."""
    dates = [
        *Invoice.objects.aggregate(first=Min("issue_date"), last=Max("issue_date")).values(),
        *Payment.objects.aggregate(first=Min("paid_on"), last=Max("paid_on")).values(),
    ]
    years = [d.year for d in dates if d] + [timezone.localdate().year]
    return list(range(max(years), min(years) - 1, -1))
