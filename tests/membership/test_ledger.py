import datetime
from decimal import Decimal

import pytest

from membership import ledger
from tests.membership.books_year import book_year

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_ledger_books_each_row_in_the_fiscal_year_of_its_date(run_2026):
    year = book_year()
    h, p, i = (year[k].total for k in ("huddinge", "police", "internal"))
    assert (h, p) == (Decimal("171457.50"), Decimal("280000.00"))

    books = ledger.balances(2025)
    # December 2025: the 2026 fees issued, Huddinge credited 1 000 and paid 100 000.
    assert books.opening == {}
    assert books.movements == {
        "1510": h + p - 1000 - 100000,
        "1680": i,
        "1930": Decimal("100000.00"),
        "3990": -(h + p + i) + 1000,
    }
    assert books.closing == {"1510": h + p - 101000, "1680": i, "1930": Decimal("100000.00")}

    books = ledger.balances(2026)
    # The year opens where 2025 closed; the result account starts from nothing.
    assert books.opening == {"1510": h + p - 101000, "1680": i, "1930": Decimal("100000.00")}
    # January: the police pays 100 000; 260 000 arrives unmatched, 220 457,50 of it is
    # allocated (Huddinge's remaining 70 457,50 and 150 000 of the police's) and 9 542,50
    # refunded; 30 000 stays unallocated.
    assert books.movements == {
        "1510": Decimal("-320457.50"),
        "1930": Decimal("350457.50"),
        "2420": Decimal("-30000.00"),
    }
    assert books.closing == {
        "1510": Decimal("30000.00"),  # what the police still owes
        "1680": i,
        "1930": Decimal("450457.50"),
        "2420": Decimal("-30000.00"),
    }
    # Debit equals credit: the balance sheet and the result together sum to nothing.
    total_2025 = sum(ledger.balances(2025).movements.values())
    assert total_2025 == 0 and sum(books.movements.values()) == 0


def test_the_accounts_come_from_settings(run_2026, settings):
    settings.SIE_ACCOUNTS = {**settings.SIE_ACCOUNTS, "unallocated": "2990", "internal": "1690"}
    book_year()
    books = ledger.balances(2026)
    assert books.closing["2990"] == Decimal("-30000.00") and "2420" not in books.closing
    assert "1690" in books.closing and "1680" not in books.closing
