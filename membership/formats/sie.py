"""SIE 4 (type 4): the bookkeeping of one fiscal (calendar) year, and a reader that checks it.

``export(year=Y)`` declares the fiscal year ``#RAR 0 Y0101 Y1231`` and holds every voucher
dated inside it, whatever budget year its invoice belongs to: an invoice of budget year 2025
issued on 15 December 2025 is in the 2025 file, its payment on 10 January 2026 in the 2026 file.
The vouchers are built from the domain rows one by one; the bookings are those of
``membership.ledger`` (which sums the same rows in the database).

Series, each numbered from 1 in every file, by date (then number or registration order):

- ``A`` invoices, on their issue date;
- ``I`` internal settlements (actors that pay by internal transfer), on their issue date;
- ``K`` credit notes, on their issue date;
- ``B`` payments received (bankgiro or registered by hand), on their paid date;
- ``C`` allocations of unmatched payments to invoices and refunds, on their date.

Balance accounts (classes 1 and 2) get ``#IB``/``#UB`` (the opening balance sums every voucher
dated before the year), result accounts ``#RES``; every account used gets a ``#KONTO``. Code page
437 as the format requires.

The file is read back before it is handed out (``check``): every voucher balances and falls
inside ``#RAR``, each series runs from 1 without gaps, opening balance plus transactions equals
the closing balance, and the balances per account equal the ledger's. Otherwise
``SieCheckError``: no file rather than a wrong one.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from .. import ledger
from ..models import Invoice, Payment
from ..seller import seller_details

ZERO = Decimal("0.00")
SERIES = {
    Invoice.Kind.INVOICE: "A",
    Invoice.Kind.INTERNAL: "I",
    Invoice.Kind.CREDIT_NOTE: "K",
}
PAYMENT_SERIES = "B"
ALLOCATION_SERIES = "C"
SERIES_ORDER = "AIKBC"


class SieCheckError(Exception):
    """The file read back does not hold what the ledger says: it must not be handed out."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class Voucher:
    series: str
    number: int
    date: datetime.date
    text: str
    transactions: list[tuple[str, Decimal]] = field(default_factory=list)


@dataclass
class SieFile:
    """What ``read`` found: the current fiscal year (``#RAR 0``), accounts, balances of year 0
    and the vouchers."""

    company: str = ""
    fiscal_year: tuple[datetime.date, datetime.date] | None = None
    accounts: dict[str, str] = field(default_factory=dict)
    opening: dict[str, Decimal] = field(default_factory=dict)
    closing: dict[str, Decimal] = field(default_factory=dict)
    results: dict[str, Decimal] = field(default_factory=dict)
    vouchers: list[Voucher] = field(default_factory=list)


# --- Writing --------------------------------------------------------------------------------


def _text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _vouchers(start: datetime.date | None, end: datetime.date) -> Iterator[Voucher]:
    """The vouchers dated from ``start`` (or the beginning) to ``end``, unnumbered (0)."""
    acc = ledger.accounts()
    invoices = ledger.dated(
        Invoice.objects.select_related("credited_invoice"), "issue_date", start, end
    )
    for invoice in invoices.order_by("issue_date", "number"):
        if invoice.kind == Invoice.Kind.CREDIT_NOTE:
            credited = invoice.credited_invoice
            debit = acc["income"]
            credit = acc["internal"] if credited and credited.is_internal else acc["receivable"]
        else:
            debit = acc["internal"] if invoice.is_internal else acc["receivable"]
            credit = acc["income"]
        yield Voucher(
            SERIES[invoice.kind],
            0,
            invoice.issue_date,
            f"{invoice.get_kind_display()} {invoice.number} {invoice.buyer_name}",
            [(debit, invoice.total), (credit, -invoice.total)],
        )
    payments = ledger.dated(
        Payment.objects.select_related("invoice", "allocated_from"), "paid_on", start, end
    )
    for payment in payments.order_by("paid_on", "pk"):
        amount = payment.amount
        if payment.source in Payment.RECEIVED:
            if payment.invoice is not None:
                text = f"Inbetalning faktura {payment.invoice.number}"
                credit = acc["receivable"]
            else:
                text = f"Ej matchad inbetalning {payment.reference or payment.pk}"
                credit = acc["unallocated"]
            yield Voucher(
                PAYMENT_SERIES,
                0,
                payment.paid_on,
                text,
                [(acc["bank"], amount), (credit, -amount)],
            )
        else:
            original = payment.allocated_from
            source = f"inbetalning {original.paid_on:%Y-%m-%d} {original.reference}".strip()
            if payment.source == Payment.Source.ALLOCATION:
                text = f"Fördelning till faktura {payment.invoice.number} från {source}"
                credit = acc["receivable"]
            else:
                text = f"Återbetalning av {source}"
                credit = acc["bank"]
            yield Voucher(
                ALLOCATION_SERIES,
                0,
                payment.paid_on,
                text,
                [(acc["unallocated"], amount), (credit, -amount)],
            )


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def export(*, year: int) -> bytes:
    """The SIE 4 file of fiscal year ``year``, checked by reading it back (``SieCheckError``)."""
    content = build(year=year)
    check(content, year=year)
    return content


def build(*, year: int) -> bytes:
    """The SIE 4 file of fiscal year ``year``, unchecked."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    opening: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for voucher in _vouchers(None, first - datetime.timedelta(days=1)):
        for account, amount in voucher.transactions:
            if ledger.is_balance_account(account):
                opening[account] += amount
    vouchers = sorted(_vouchers(first, last), key=lambda v: SERIES_ORDER.index(v.series))
    numbers: dict[str, int] = defaultdict(int)
    moved: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for voucher in vouchers:  # sorted() is stable: by date within each series
        numbers[voucher.series] += 1
        voucher.number = numbers[voucher.series]
        for account, amount in voucher.transactions:
            moved[account] += amount
    used = sorted(set(opening) | set(moved))
    names = {number: ledger.ACCOUNT_NAMES[role] for role, number in ledger.accounts().items()}
    seller = seller_details()
    lines = [
        "#FLAGGA 0",
        '#PROGRAM "SSR-portalen" 1.0',
        "#FORMAT PC8",
        f"#GEN {timezone.localdate():%Y%m%d}",
        "#SIETYP 4",
    ]
    if seller.get("org_number"):
        lines.append(f"#ORGNR {seller['org_number']}")
    lines += [
        f"#FNAMN {_text(seller.get('name', ''))}",
        f"#RAR 0 {first:%Y%m%d} {last:%Y%m%d}",
    ]
    lines += [f"#KONTO {account} {_text(names.get(account, account))}" for account in used]
    for account in used:
        if ledger.is_balance_account(account):
            lines.append(f"#IB 0 {account} {_amount(opening[account])}")
            lines.append(f"#UB 0 {account} {_amount(opening[account] + moved[account])}")
        else:
            lines.append(f"#RES 0 {account} {_amount(moved[account])}")
    for voucher in vouchers:
        lines.append(
            f"#VER {voucher.series} {voucher.number} {voucher.date:%Y%m%d} {_text(voucher.text)}"
        )
        lines.append("{")
        lines += [
            f"#TRANS {account} {{}} {_amount(amount)}" for account, amount in voucher.transactions
        ]
        lines.append("}")
    return ("\r\n".join(lines) + "\r\n").encode("cp437", errors="replace")


# --- Reading --------------------------------------------------------------------------------

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|\{([^}]*)\}|(\S+)')


def _tokens(line: str) -> list[str]:
    """A line's fields: quoted text unescaped, an object list ``{...}`` as its content."""
    out = []
    for match in _TOKEN.finditer(line):
        quoted, braces, plain = match.groups()
        if quoted is not None:
            out.append(re.sub(r"\\(.)", r"\1", quoted))
        else:
            out.append(braces.strip() if braces is not None else plain)
    return out


def _date(value: str) -> datetime.date:
    if not re.fullmatch(r"\d{8}", value):
        raise ValueError(f"not a date: {value!r}")
    return datetime.date(int(value[:4]), int(value[4:6]), int(value[6:]))


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


def read(content: bytes) -> SieFile:
    """Parse an SIE 4 file (code page 437): ``#FNAMN``, ``#RAR``, ``#KONTO``, ``#IB``/``#UB``/
    ``#RES`` of year 0 and ``#VER`` with their ``#TRANS``. ``ValueError`` if malformed."""
    result = SieFile()
    voucher: Voucher | None = None
    in_block = False
    for number, raw in enumerate(content.decode("cp437").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            if line == "{":
                if voucher is None or in_block:
                    raise ValueError("a block outside a voucher")
                in_block = True
                continue
            if line == "}":
                if not in_block:
                    raise ValueError("a block ends that did not begin")
                in_block, voucher = False, None
                continue
            tokens = _tokens(line)
            label, args = tokens[0].upper(), tokens[1:]
            if in_block:
                if label == "#TRANS":
                    voucher.transactions.append((args[0], _decimal(args[2])))
                elif label not in ("#RTRANS", "#BTRANS"):
                    raise ValueError(f"{label} inside a voucher")
                continue
            if voucher is not None:
                raise ValueError("a voucher without its transactions")
            if label == "#FNAMN":
                result.company = args[0]
            elif label == "#RAR" and args[0] == "0":
                result.fiscal_year = (_date(args[1]), _date(args[2]))
            elif label == "#KONTO":
                result.accounts[args[0]] = args[1] if len(args) > 1 else ""
            elif label in ("#IB", "#UB", "#RES") and args[0] == "0":
                target = {"#IB": result.opening, "#UB": result.closing, "#RES": result.results}
                target[label][args[1]] = _decimal(args[2])
            elif label == "#VER":
                voucher = Voucher(
                    args[0], int(args[1]), _date(args[2]), args[3] if len(args) > 3 else ""
                )
                result.vouchers.append(voucher)
        except (IndexError, ValueError) as exc:
            raise ValueError(f"line {number}: {exc or 'incomplete'}") from exc
    if in_block or voucher is not None:
        raise ValueError("the file ends inside a voucher")
    return result


# --- Checking -------------------------------------------------------------------------------


def _nonzero(amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    return {account: amount for account, amount in amounts.items() if amount}


def check(content: bytes, *, year: int) -> SieFile:
    """Read the file back and compare it with itself and with ``ledger.balances(year)``."""
    try:
        sie = read(content)
    except ValueError as exc:
        raise SieCheckError([f"unreadable: {exc}"]) from exc
    problems: list[str] = []
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if sie.fiscal_year != (first, last):
        problems.append(f"#RAR 0 is {sie.fiscal_year}, not fiscal year {year}")
    by_series: dict[str, list[int]] = defaultdict(list)
    moved: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for voucher in sie.vouchers:
        name = f"{voucher.series} {voucher.number}"
        by_series[voucher.series].append(voucher.number)
        if not first <= voucher.date <= last:
            problems.append(f"voucher {name} is dated {voucher.date}, outside the fiscal year")
        if len(voucher.transactions) < 2:
            problems.append(f"voucher {name} has fewer than two transactions")
        if sum((amount for _, amount in voucher.transactions), ZERO) != 0:
            problems.append(f"voucher {name} does not balance")
        for account, amount in voucher.transactions:
            moved[account] += amount
    for series, numbers in sorted(by_series.items()):
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            problems.append(f"series {series} is not numbered 1–{len(numbers)} without gaps")
    used = set(moved) | set(sie.opening) | set(sie.closing) | set(sie.results)
    if undeclared := sorted(used - set(sie.accounts)):
        problems.append(f"accounts without #KONTO: {', '.join(undeclared)}")
    for account in sorted(used):
        if ledger.is_balance_account(account):
            ib, ub = sie.opening.get(account, ZERO), sie.closing.get(account, ZERO)
            if ib + moved[account] != ub:
                problems.append(f"{account}: #IB {ib} + transactions {moved[account]} ≠ #UB {ub}")
        elif sie.results.get(account, ZERO) != moved[account]:
            problems.append(f"{account}: #RES differs from its transactions")
    books = ledger.balances(year)
    for label, ours, theirs in (
        ("opening balances", _nonzero(sie.opening), books.opening),
        ("movements", _nonzero(moved), books.movements),
        ("closing balances", _nonzero(sie.closing), books.closing),
    ):
        if ours != theirs:
            problems.append(f"{label} differ from the ledger: file {ours}, ledger {theirs}")
    if problems:
        raise SieCheckError(problems)
    return sie
