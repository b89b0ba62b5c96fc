import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from membership import invoicing, payments, selectors, services
from membership.models import Invoice, Payment
from tests.membership.books_year import UNMATCHED_FILE, UNMATCHED_REFERENCE, bgmax_file, book_year

pytestmark = pytest.mark.django_db
D = datetime.date
Row = payments.AllocationRow


def test_an_allocation_counts_once_on_its_invoice(run_2026):
    year = book_year()
    huddinge, police, unmatched = year["huddinge"], year["police"], year["unmatched"]
    # The imported row is what the bank paid, still unmatched; 30 000 of it is unallocated.
    unmatched.refresh_from_db()
    assert (unmatched.amount, unmatched.invoice, unmatched.source) == (
        Decimal("260000.00"),
        None,
        Payment.Source.BGMAX,
    )
    assert payments.unallocated(unmatched) == Decimal("30000.00")
    assert [(p, p.unallocated_amount) for p in payments.unmatched_payments()] == [
        (unmatched, Decimal("30000.00"))
    ]
    # Huddinge: 171 457,50 − 1 000 credited − 100 000 paid − 70 457,50 allocated.
    assert selectors.outstanding(huddinge) == 0
    assert selectors.outstanding(police) == Decimal("30000.00")
    annotated = dict(
        selectors.with_outstanding(Invoice.objects.filter(kind="invoice")).values_list(
            "number", "outstanding_amount"
        )
    )
    assert annotated == {huddinge.number: 0, police.number: Decimal("30000.00")}
    statement = selectors.yearly_statement(2026)
    assert statement["paid"] == Decimal("420457.50")  # 100 000 + 100 000 + 220 457,50
    assert statement["outstanding"] == Decimal("30000.00")
    assert selectors.overdue_invoices(today=D(2026, 3, 1)) == [police]
    # Each row of its own, with its history; the refund names no invoice.
    allocation = year["allocations"][0]
    assert (allocation.source, allocation.allocated_from, allocation.paid_on) == (
        Payment.Source.ALLOCATION,
        unmatched,
        D(2026, 2, 1),
    )
    assert allocation.history.get().history_type == "+"
    assert (year["refund"].invoice, year["refund"].amount) == (None, Decimal("9542.50"))
    assert unmatched.history.count() == 1  # never changed


def test_importing_the_same_bgmax_file_again_adds_nothing(run_2026):
    year = book_year()
    before = Payment.objects.count()
    result = services.bgmax_import(content=UNMATCHED_FILE, filename="bgmax-2026-01-20.txt")
    assert (result.already_imported, result.unmatched) == (1, [])
    assert Payment.objects.count() == before
    assert payments.unallocated(year["unmatched"]) == Decimal("30000.00")


@pytest.fixture
def unmatched(issued):
    content = bgmax_file(D(2026, 11, 30), (UNMATCHED_REFERENCE, Decimal("200000.00"), "501"))
    [payment] = services.bgmax_import(content=content, filename="b.txt").unmatched
    return payment


def _refused(action) -> list[str]:
    before = Payment.objects.count()
    with pytest.raises(ValidationError) as caught:
        action()
    assert Payment.objects.count() == before  # all or nothing
    return caught.value.messages


def test_allocation_rules(issued, unmatched):
    huddinge, police = issued["Huddinge kommun"], issued["Polisen"]
    on = D(2026, 12, 1)

    def allocate(*rows, allocated_on=on, payment=unmatched):
        return payments.payment_allocate(
            payment=payment, rows=list(rows), allocated_on=allocated_on
        )

    # More than is outstanding on the invoice; more than the payment has unallocated.
    [message] = _refused(lambda: allocate(Row(huddinge.number, Decimal("171457.51"))))
    assert "171\xa0457,50\xa0kr" in message and huddinge.number in message
    [message] = _refused(
        lambda: allocate(
            Row(huddinge.number, Decimal("100000")), Row(police.number, Decimal("100000.01"))
        )
    )
    assert "200\xa0000,01\xa0kr" in message and "200\xa0000,00\xa0kr" in message
    # Not an invoice, twice the same invoice, nothing given, a date before the payment or ahead.
    assert _refused(lambda: allocate(Row("X-1", Decimal("1")))) == [
        "X-1 är inte ett fakturanummer."
    ]
    assert _refused(
        lambda: allocate(Row(police.number, Decimal("1")), Row(police.number, Decimal("2")))
    ) == ["Varje faktura kan bara anges en gång."]
    assert _refused(lambda: allocate()) == ["Ange minst en faktura och ett belopp."]
    credit_note = invoicing.credit_note_issue(invoice=police, amount=Decimal("5"), reason="Fel")
    assert _refused(lambda: allocate(Row(credit_note.number, Decimal("1")))) == [
        f"{credit_note.number} är inte ett fakturanummer."
    ]
    assert _refused(
        lambda: allocate(Row(police.number, Decimal("1")), allocated_on=D(2026, 11, 29))
    )
    future = timezone.localdate() + datetime.timedelta(days=2)
    assert _refused(lambda: allocate(Row(police.number, Decimal("1")), allocated_on=future))
    # A payment that was matched is not allocated.
    matched = services.payment_register(invoice=police, amount=Decimal("10"), paid_on=on)
    assert _refused(lambda: allocate(Row(huddinge.number, Decimal("1")), payment=matched))

    # Within the rules: the rest stays unmatched, and the next allocation sees what is left.
    allocate(Row(huddinge.number, Decimal("171457.50")))
    assert payments.unallocated(unmatched) == Decimal("28542.50")
    [message] = _refused(lambda: allocate(Row(police.number, Decimal("28542.51"))))
    assert "28\xa0542,50\xa0kr" in message
    # Huddinge is paid: nothing more goes to it.
    assert _refused(lambda: allocate(Row(huddinge.number, Decimal("1"))))


def test_refund_rules(issued, unmatched):
    def refund(amount, note="Åter till avsändaren", on=None):
        return payments.payment_refund(
            payment=unmatched, amount=Decimal(amount), refunded_on=on or D(2026, 12, 1), note=note
        )

    assert _refused(lambda: refund("1", note=" ")) == [
        "Ange varför och till vem pengarna betalades tillbaka."
    ]
    assert _refused(lambda: refund("200000.01"))
    assert _refused(lambda: refund("1", on=D(2026, 11, 1)))
    made = refund("200000")
    assert (made.source, made.invoice, made.allocated_from) == ("refund", None, unmatched)
    assert payments.unallocated(unmatched) == 0
    assert list(payments.unmatched_payments()) == []
    assert _refused(lambda: refund("0.01"))


def _allocation_post(payment_number: str, amount: str, key: str) -> dict:
    return {
        "allocate-allocated_on": "2026-12-01",
        "allocate-invoice_1": payment_number,
        "allocate-amount_1": amount,
        "idempotency_key": key,
    }


def test_the_page_allocates_once_on_a_double_submit(issued, unmatched, secretariat):
    police = issued["Polisen"]
    url = reverse("membership:payment_allocate", args=[unmatched.pk])
    page = secretariat.get(url)
    assert page.status_code == 200 and b"idempotency_key" in page.content
    data = _allocation_post(police.number, "1000", uuid.uuid4().hex)
    first = secretariat.post(url, data)
    again = secretariat.post(url, data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] == reverse("membership:unmatched_payments")
    assert list(unmatched.allocations.values_list("invoice", "amount")) == [
        (police.pk, Decimal("1000.00"))
    ]


def test_the_page_shows_why_it_refuses(issued, unmatched, secretariat):
    url = reverse("membership:payment_allocate", args=[unmatched.pk])
    too_much = _allocation_post(issued["Polisen"].number, "280000.01", uuid.uuid4().hex)
    response = secretariat.post(url, too_much, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 400
    assert "som återstår att betala på" in response.content.decode()
    amount_only = {"allocate-allocated_on": "2026-12-01", "allocate-amount_2": "5"}
    response = secretariat.post(url, amount_only)
    assert response.status_code == 400 and "Ange fakturanumret" in response.content.decode()
    # A refund asks for confirmation.
    refund = {
        "refund-amount": "50",
        "refund-refunded_on": "2026-12-01",
        "refund-note": "Fel mottagare",
    }
    assert secretariat.post(url, refund).status_code == 400
    assert secretariat.post(url, {**refund, "refund-confirm": "on"}).status_code == 302
    assert payments.unallocated(unmatched) == Decimal("199950.00")
    # A payment that an invoice matched has no allocation page.
    matched = Payment.objects.create(
        invoice=issued["Polisen"], amount=1, paid_on=D(2026, 12, 1), source="bgmax"
    )
    assert (
        secretariat.get(reverse("membership:payment_allocate", args=[matched.pk])).status_code
        == 404
    )


def test_the_list_links_each_payment_and_the_bgmax_page_links_the_list(
    issued, unmatched, secretariat
):
    page = secretariat.get(reverse("membership:unmatched_payments")).content.decode()
    assert reverse("membership:payment_allocate", args=[unmatched.pk]) in page
    assert "200\xa0000,00\xa0kr" in page
    bgmax = secretariat.get(reverse("membership:bgmax")).content.decode()
    assert reverse("membership:unmatched_payments") in bgmax
    overview = secretariat.get(reverse("membership:overview")).content.decode()
    assert reverse("membership:unmatched_payments") in overview


def test_the_unmatched_list_queries_do_not_grow_with_payments(
    issued, secretariat, django_assert_max_num_queries
):
    police = issued["Polisen"]

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            payment = Payment.objects.create(
                amount=100, paid_on=D(2026, 11, 1), source="bgmax", reference=f"R{n}"
            )
            payments.payment_allocate(
                payment=payment,
                rows=[Row(police.number, Decimal("1"))],
                allocated_on=D(2026, 11, 2),
            )

    url = reverse("membership:unmatched_payments")
    add(2, 0)
    with django_assert_max_num_queries(12) as few:
        assert secretariat.get(url).status_code == 200
    add(30, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretariat.get(url)
    assert response.content.decode().count("R3") >= 1
    assert len(response.context["rows"]) == 32
