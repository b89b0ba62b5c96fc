"""SIE 4 (type 4I): the year's invoices, credit notes and payments for the bookkeeping.

One balanced voucher per document and payment, in code page 437 as the format requires. The
account numbers come from settings (``SIE_ACCOUNTS``).
"""

from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from ..models import Invoice, Payment


def _text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def export(*, year: int) -> bytes:
    """The SIE 4 file of a budget year."""
    accounts = settings.SIE_ACCOUNTS
    lines = [
        "#FLAGGA 0",
        '#PROGRAM "SSR-portalen" 1.0',
        "#FORMAT PC8",
        f"#GEN {timezone.localdate():%Y%m%d}",
        "#SIETYP 4",
        f"#FNAMN {_text(settings.SELLER['name'])}",
        f"#RAR 0 {year}0101 {year}1231",
    ]
    for key, label in (
        ("receivable", "Kundfordringar"),
        ("income", "Medlemsavgifter"),
        ("bank", "Bank"),
    ):
        lines.append(f"#KONTO {accounts[key]} {_text(label)}")
    number = 0
    for invoice in Invoice.objects.filter(year=year).order_by("issue_date", "number"):
        number += 1
        sign = Decimal(1) if invoice.kind == Invoice.Kind.INVOICE else Decimal(-1)
        amount = invoice.total * sign
        text = _text(f"{invoice.get_kind_display()} {invoice.number} {invoice.buyer_name}")
        lines += [
            f"#VER A {number} {invoice.issue_date:%Y%m%d} {text}",
            "{",
            f"#TRANS {accounts['receivable']} {{}} {amount:.2f}",
            f"#TRANS {accounts['income']} {{}} {-amount:.2f}",
            "}",
        ]
    for payment in (
        Payment.objects.filter(invoice__year=year)
        .select_related("invoice")
        .order_by("paid_on", "pk")
    ):
        number += 1
        text = _text(f"Betalning {payment.invoice.number}")
        lines += [
            f"#VER B {number} {payment.paid_on:%Y%m%d} {text}",
            "{",
            f"#TRANS {accounts['bank']} {{}} {payment.amount:.2f}",
            f"#TRANS {accounts['receivable']} {{}} {-payment.amount:.2f}",
            "}",
        ]
    return ("\r\n".join(lines) + "\r\n").encode("cp437", errors="replace")
