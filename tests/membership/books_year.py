"""A whole bookkeeping year for the ledger, SIE and payment tests: the 2026 fees invoiced in
December 2025, a credit note, a partial payment in December and one in January, an unmatched
BgMax payment in January allocated to two invoices, part of it refunded, and the fee of the
county administrative board booked as an internal settlement."""

import datetime
from decimal import Decimal

import time_machine

from membership import invoicing, payments, services
from membership.models import Agreement, Invoice, Payment
from tests.factories import ActorFactory
from tests.membership.formats.test_bgmax import tk20

D = datetime.date
UNMATCHED_REFERENCE = "77777777777"


def bgmax_file(day: datetime.date, *items: tuple[str, Decimal, str]) -> str:
    lines = [
        f"01BGMAX               01{day:%Y%m%d}103012345678P".ljust(80),
        "05" + "0050501055".ljust(78),
        *(tk20(*item) for item in items),
        ("15" + "1234567890".ljust(35) + f"{day:%Y%m%d}" + "00001").ljust(80),
        "70".ljust(80),
    ]
    return "\n".join(lines)


UNMATCHED_FILE = bgmax_file(D(2026, 1, 20), (UNMATCHED_REFERENCE, Decimal("260000.00"), "901"))


def internal_actor() -> None:
    board = ActorFactory(
        name="Länsstyrelsen i Stockholms län",
        kind="county_administrative_board",
        org_number="202100-0092",
        paid_internally=True,
        invoice_address="Box 22067\n104 22 Stockholm",
    )
    Agreement.objects.create(actor=board, signed_on=D(2024, 3, 1), signatory_name="L")


def book_year() -> dict:
    """The year, on top of the ``run_2026`` fixture; the documents by name."""
    internal_actor()
    invoicing.invoice_run_issue(year=2026, issue_date=D(2025, 12, 15))
    by_actor = {i.actor.name: i for i in Invoice.objects.all()}
    huddinge, police = by_actor["Huddinge kommun"], by_actor["Polisen"]
    internal = by_actor["Länsstyrelsen i Stockholms län"]
    with time_machine.travel(datetime.datetime(2025, 12, 18, 12, tzinfo=datetime.UTC), tick=False):
        credit = invoicing.credit_note_issue(
            invoice=huddinge, amount=Decimal("1000"), reason="Rättelse"
        )
    services.payment_register(invoice=huddinge, amount=Decimal("100000"), paid_on=D(2025, 12, 20))
    services.payment_register(invoice=police, amount=Decimal("100000"), paid_on=D(2026, 1, 10))
    result = services.bgmax_import(content=UNMATCHED_FILE, filename="bgmax-2026-01-20.txt")
    [unmatched] = result.unmatched
    allocations = payments.payment_allocate(
        payment=unmatched,
        rows=[
            payments.AllocationRow(huddinge.number, Decimal("70457.50")),
            payments.AllocationRow(police.number, Decimal("150000.00")),
        ],
        allocated_on=D(2026, 2, 1),
    )
    refund = payments.payment_refund(
        payment=unmatched,
        amount=Decimal("9542.50"),
        refunded_on=D(2026, 2, 5),
        note="Dubbelbetalning, åter till Polisen",
    )
    return {
        "huddinge": huddinge,
        "police": police,
        "internal": internal,
        "credit": credit,
        "unmatched": unmatched,
        "allocations": allocations,
        "refund": refund,
        "payments": Payment.objects.all(),
    }
