"""Issue 19's "done when", as the secretariat takes it in Chromium at desktop width: the bankgiro
changed on the settings page, the year's run issued from its page (every actor with an
organisation number; the chair organisation booked internally), the e-invoices delivered to the
access point and shown so per invoice, an unmatched BgMax payment allocated from its page, and
the fiscal year's SIE file downloaded and read back against the portal's ledger."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from membership import selectors
from membership.formats import peppol_validation, sie
from membership.models import Invoice
from membership.tasks import poll_invoice_transmissions
from tests.browser.conftest import axe_violations, no_horizontal_scroll, screenshot, too_wide
from tests.membership.books_year import bgmax_file
from tests.membership.fake_access_point import TOKEN, FakeAccessPoint
from tests.membership.test_invoicing_year import network

pytestmark = pytest.mark.browser
UNMATCHED = "55555555555"
YEAR = 2026  # the budget year of the run; its documents are dated today


def check_page(page, name: str) -> None:
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page), too_wide(page)
    screenshot(page, f"invoicing-{name}")


@pytest.fixture
def access_point(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with FakeAccessPoint() as server:
        settings.ACCESS_POINT_BACKEND = "membership.access_point.HttpAccessPoint"
        settings.ACCESS_POINT_URL = server.url
        settings.ACCESS_POINT_TOKEN = TOKEN
        settings.ACCESS_POINT_TIMEOUT = 5.0
        yield server


def test_the_invoicing_year_from_the_secretariats_pages(
    new_context, site, secretariat_user, access_point, settings, tmp_path
):
    settings.SELLER = {**settings.SELLER, "org_number": "202100-0092", "bankgiro": "5050-1055"}
    network()
    page = new_context(secretariat_user).new_page()

    # 1. The bankgiro changes on the settings page.
    page.goto(site + reverse("membership:seller_settings"))
    page.fill("#id_bankgiro", "991-2346")
    page.fill("#id_address", "Box 22067")
    page.fill("#id_postal_code", "104 22")
    page.fill("#id_email", "samverkan@example.org")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/medlemskap/installningar/")
    assert "Faktureringsinställningarna sparades" in page.content()
    assert "991-2346" in page.content()
    check_page(page, "settings")

    # 2. The run: nothing blocks, the internal settlement and the 0007 address are notices.
    page.goto(site + reverse("membership:invoice_run", args=[YEAR]))
    assert page.locator(".error-summary").count() == 0
    notices = page.locator(".notice-summary").inner_text()
    assert "Länsstyrelsen i Stockholms län" in notices and "0007:2021000076" in notices
    check_page(page, "run")
    page.check("#confirm")
    page.get_by_role("button", name="Ställ ut fakturor").click()
    page.wait_for_load_state()
    assert "fakturor har ställts ut" in page.content()

    # 3. The e-invoices reached the access point; its answers show per invoice and in the list.
    documents = access_point.documents()
    assert len(documents) == 3
    for received in documents:
        assert peppol_validation.fatal(peppol_validation.validate(received.document)) == []
        assert b"9912346" in received.document
        access_point.report(received.transmission_id, "delivered")
    assert poll_invoice_transmissions() == {"delivered": 3}
    page.goto(site + reverse("membership:invoice_list") + f"?year={YEAR}")
    assert page.get_by_text("Peppol: Levererat").count() == 3
    assert "Intern avräkning" in page.content()
    check_page(page, "list")
    botkyrka = Invoice.objects.get(actor__name="Botkyrka kommun")
    page.get_by_role("link", name=botkyrka.number, exact=True).click()
    html = page.content()
    assert botkyrka.transmission.transmission_id in html and "Levererat" in html
    check_page(page, "invoice")

    # 4. An unmatched payment from the bank is allocated to two invoices from its page.
    today = timezone.localdate()
    police = Invoice.objects.get(actor__name="Polisen")
    trafikverket = Invoice.objects.get(actor__name="Trafikverket")
    bank_file = tmp_path / "bgmax.txt"
    bank_file.write_text(bgmax_file(today, (UNMATCHED, Decimal("300000.00"), "801")))
    page.goto(site + reverse("membership:bgmax"))
    page.set_input_files("input[type=file]", str(bank_file))
    page.get_by_role("button", name="Importera").click()
    page.wait_for_load_state()
    assert "1 ej matchade" in page.locator("main").inner_text()
    page.goto(site + reverse("membership:unmatched_payments"))
    assert "300\u00a0000,00\u00a0kr" in page.locator("main").inner_text()
    check_page(page, "unmatched")
    page.locator("a[href$='/fordela/']").first.click()
    page.fill("#id_allocate-invoice_1", police.number)
    page.fill("#id_allocate-amount_1", "280000.00")
    page.fill("#id_allocate-invoice_2", trafikverket.number)
    page.fill("#id_allocate-amount_2", "20000.00")
    page.get_by_role("button", name="Fördela").click()
    page.wait_for_load_state()
    check_page(page, "allocated")
    assert selectors.outstanding(police) == 0
    assert selectors.outstanding(trafikverket) == Decimal("540000.00")

    # 5. The fiscal year's SIE file, downloaded from the overview, reads back against the ledger.
    page.goto(site + reverse("membership:overview"))
    with page.expect_download() as download:
        page.get_by_role("link", name=f"SIE-fil, bokföringsår {today.year}").click()
    content = Path(download.value.path()).read_bytes()
    read = sie.check(content, year=today.year)
    assert read.fiscal_year == (datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31))
    assert {v.series for v in read.vouchers} >= {"A", "I", "B", "C"}
