import datetime
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditEvent
from membership import invoicing, ledger, services
from membership.formats import sie
from tests.membership.books_year import book_year

pytestmark = pytest.mark.django_db
D = datetime.date


def test_sie_file_balances_in_code_page_437(issued):
    services.payment_register(
        invoice=issued["Polisen"], amount=Decimal("280000"), paid_on=D(2026, 11, 30)
    )
    with time_machine.travel(datetime.datetime(2026, 12, 10, 12, tzinfo=datetime.UTC), tick=False):
        invoicing.credit_note_issue(
            invoice=issued["Huddinge kommun"], amount=Decimal("1000"), reason="Rättelse"
        )
    data = sie.export(year=2026)
    text = data.decode("cp437")
    assert "#SIETYP 4" in text and "#FORMAT PC8" in text
    assert '#FNAMN "Länsstyrelsen i Stockholms län"' in text  # ä survives code page 437
    vouchers = text.split("#VER")[1:]
    assert len(vouchers) == 4
    for voucher in vouchers:
        amounts = [
            Decimal(line.split()[-1]) for line in voucher.splitlines() if line.startswith("#TRANS")
        ]
        assert len(amounts) == 2 and sum(amounts) == 0


def _balanced_and_numbered(content: bytes, year: int) -> sie.SieFile:
    """What the export's own check asserts, asserted here from the file read back."""
    parsed = sie.read(content)
    assert parsed.fiscal_year == (D(year, 1, 1), D(year, 12, 31))
    moved: dict[str, Decimal] = defaultdict(Decimal)
    numbers = defaultdict(list)
    for voucher in parsed.vouchers:
        assert D(year, 1, 1) <= voucher.date <= D(year, 12, 31)
        assert sum(amount for _a, amount in voucher.transactions) == 0
        numbers[voucher.series].append(voucher.number)
        for account, amount in voucher.transactions:
            moved[account] += amount
    for series in numbers.values():
        assert series == list(range(1, len(series) + 1))
    books = ledger.balances(year)
    assert {a: m for a, m in moved.items() if m} == books.movements
    assert {a: m for a, m in parsed.opening.items() if m} == books.opening
    assert {a: m for a, m in parsed.closing.items() if m} == books.closing
    for account in moved:
        if ledger.is_balance_account(account):
            opening = parsed.opening.get(account, Decimal(0))
            assert opening + moved[account] == parsed.closing[account]
        else:
            assert parsed.results[account] == moved[account]
    assert set(moved) | set(parsed.opening) <= set(parsed.accounts)
    return parsed


def test_a_whole_year_and_the_next_read_back_equal_the_ledger(run_2026):
    year = book_year()
    first = _balanced_and_numbered(sie.export(year=2025), 2025)
    second = _balanced_and_numbered(sie.export(year=2026), 2026)

    # The 2026 fees were issued on 15 December 2025: in the 2025 file, with the credit note and
    # December's payment. Each series numbers from 1 in each file.
    assert Counter(v.series for v in first.vouchers) == {"A": 2, "I": 1, "K": 1, "B": 1}
    assert [(v.series, v.number, v.date) for v in first.vouchers if v.series != "A"] == [
        ("I", 1, D(2025, 12, 15)),
        ("K", 1, D(2025, 12, 18)),
        ("B", 1, D(2025, 12, 20)),
    ]
    internal = next(v for v in first.vouchers if v.series == "I")
    assert internal.transactions == [
        ("1680", year["internal"].total),
        ("3990", -year["internal"].total),
    ]
    # January's payments, the allocation to two invoices and the refund: in the 2026 file.
    assert [(v.series, v.number, v.date) for v in second.vouchers] == [
        ("B", 1, D(2026, 1, 10)),
        ("B", 2, D(2026, 1, 20)),
        ("C", 1, D(2026, 2, 1)),
        ("C", 2, D(2026, 2, 1)),
        ("C", 3, D(2026, 2, 5)),
    ]
    assert second.vouchers[1].transactions == [
        ("1930", Decimal("260000.00")),
        ("2420", Decimal("-260000.00")),
    ]
    assert second.vouchers[4].transactions == [
        ("2420", Decimal("9542.50")),
        ("1930", Decimal("-9542.50")),
    ]
    # The year opens with what the last one closed with; the result account does not carry.
    assert {a: b for a, b in second.opening.items() if b} == first.closing
    assert second.opening["2420"] == 0  # used this year: #IB 0
    assert "3990" in first.results and "3990" not in second.accounts
    assert second.closing["2420"] == Decimal("-30000.00")
    assert first.accounts["1510"] == "Kundfordringar"


def test_the_check_refuses_a_file_that_disagrees(run_2026):
    book_year()
    content = sie.build(year=2026)
    assert sie.check(content, year=2026).vouchers

    def refused(changed: bytes, year: int = 2026) -> str:
        with pytest.raises(sie.SieCheckError) as caught:
            sie.check(changed, year=year)
        return str(caught.value)

    # The fiscal year of another file, a voucher out of its year, a gap in a series, an amount
    # changed, an opening balance wrong, a line that cannot be read.
    assert "fiscal year 2025" in refused(content, 2025)
    assert "outside the fiscal year" in refused(content.replace(b"20260205", b"20270205"))
    assert "series C" in refused(content.replace(b"#VER C 3 ", b"#VER C 4 "))
    problems = refused(content.replace(b"#TRANS 1930 {} -9542.50", b"#TRANS 1930 {} -9542.00"))
    assert "C 3 does not balance" in problems and "movements differ from the ledger" in problems
    assert "opening balances differ" in refused(content.replace(b"#IB 0 1680", b"#IB 0 1681"))
    assert "unreadable" in refused(content.replace(b"#TRANS 1510 {} -150000.00", b"#TRANS 1510"))


def test_the_download_is_the_checked_file_or_an_error_page(run_2026, secretariat, settings):
    book_year()
    response = secretariat.get(reverse("membership:sie", args=[2026]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ssr-2026.si"'
    assert len(sie.read(response.content).vouchers) == 5
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).count() == 1

    # An account number the environment got wrong makes a file that does not read back: the
    # page says so, and no file is handed out.
    settings.SIE_ACCOUNTS = {**settings.SIE_ACCOUNTS, "bank": "19 30"}
    response = secretariat.get(reverse("membership:sie", args=[2026]))
    assert response.status_code == 500
    assert "Content-Disposition" not in response
    assert "unreadable" in response.content.decode()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).count() == 1


def test_the_overview_offers_the_file_per_fiscal_year(run_2026, secretariat):
    book_year()
    page = secretariat.get(reverse("membership:overview"), HTTP_ACCEPT_LANGUAGE="sv").content
    assert reverse("membership:sie", args=[2025]).encode() in page
    assert "bokföringsår 2025".encode() in page
