import datetime
from decimal import Decimal

import pytest

from membership import selectors, services
from membership.formats import bgmax as bgmax_format
from membership.models import Payment

pytestmark = pytest.mark.django_db
D = datetime.date


def tk20(reference: str, amount: Decimal, serial: str) -> str:
    line = (
        "20"
        + "0000991234"
        + reference.ljust(25)
        + f"{int(amount * 100):018d}"
        + "21"
        + serial.rjust(12, "0")
        + "0"
    )
    return line.ljust(80)


def bgmax(*payments) -> str:
    lines = [
        "01BGMAX               0120261215103012345678P".ljust(80),
        "05" + "0050501055".ljust(78),
    ]
    lines += [tk20(*p) for p in payments]
    lines.append(("15" + "1234567890".ljust(35) + "20261215" + "00001").ljust(80))
    lines.append("70".ljust(80))
    return "\n".join(lines)


def test_the_parser_reads_payments_with_the_date_of_their_deposit():
    payments, errors = bgmax_format.parse(bgmax(("12345", Decimal("171457.50"), "1")))
    assert errors == []
    [payment] = payments
    assert (payment.reference, payment.amount, payment.serial) == (
        "12345",
        Decimal("171457.50"),
        "000000000001",
    )
    assert payment.paid_on == D(2026, 12, 15)


def test_bgmax_matches_on_ocr_keeps_the_unmatched_and_imports_once(issued):
    huddinge, police = issued["Huddinge kommun"], issued["Polisen"]
    content = bgmax(
        (huddinge.ocr, Decimal("171457.50"), "1"),
        (police.ocr, Decimal("100000.00"), "2"),
        ("99999999999", Decimal("42.00"), "3"),
    )
    result = services.bgmax_import(content=content, filename="bgmax-2026-12-15.txt")
    assert [p.invoice for p in result.matched] == [huddinge]
    assert [p.invoice for p in result.partial] == [police]
    assert [p.amount for p in result.unmatched] == [Decimal("42.00")]
    assert Payment.objects.get(invoice=huddinge).paid_on == D(2026, 12, 15)
    again = services.bgmax_import(content=content, filename="bgmax-2026-12-15.txt")
    assert again.already_imported == 3 and Payment.objects.count() == 3
    assert selectors.outstanding(police) == Decimal("180000.00")


def test_a_broken_bgmax_file_imports_nothing(issued):
    assert services.bgmax_import(content="hello", filename="x").errors
    broken = bgmax((issued["Polisen"].ocr, Decimal("1"), "9")).replace("\n15", "\n99")
    result = services.bgmax_import(content=broken, filename="y")
    assert result.errors and not Payment.objects.exists()
