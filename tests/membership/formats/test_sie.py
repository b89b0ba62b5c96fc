import datetime
from decimal import Decimal

import pytest

from membership import invoicing, services
from membership.formats import sie

pytestmark = pytest.mark.django_db
D = datetime.date


def test_sie_file_balances_in_code_page_437(issued):
    services.payment_register(
        invoice=issued["Polisen"], amount=Decimal("280000"), paid_on=D(2026, 12, 20)
    )
    invoicing.credit_note_issue(
        invoice=issued["Huddinge kommun"], amount=Decimal("1000"), reason="Rättelse"
    )
    data = sie.export(year=2026)
    text = data.decode("cp437")
    assert "#SIETYP 4" in text and "#FORMAT PC8" in text
    assert "Länsstyrelsen" in text  # ä survives code page 437
    vouchers = text.split("#VER")[1:]
    assert len(vouchers) == 4
    for voucher in vouchers:
        amounts = [
            Decimal(line.split()[-1]) for line in voucher.splitlines() if line.startswith("#TRANS")
        ]
        assert len(amounts) == 2 and sum(amounts) == 0
