"""Issue 19, points 7 and 8: the preview's population checks, Swedish invoice text, reminders
and the invoice list."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from membership import services
from membership.fees import fee_preview
from membership.invoice_filters import filtered_invoices
from membership.invoicing import invoice_run_issue
from membership.messages import invoice_email_text, reminder_text
from membership.models import Invoice, InvoiceLine

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_demo_figure_stops_the_run(run_2026):
    huddinge = run_2026[0]
    huddinge.population_figures.update(kind="demo", source="demo – ej SCB")
    preview = fee_preview(2026)
    assert any("demodata, inte SCB:s" in w for w in preview.all_warnings)


def test_a_large_change_from_last_year_is_a_notice_with_both_figures(run_2026, settings):
    huddinge = run_2026[0]  # 114 305 on 2025-12-31
    huddinge.population_figures.create(reference_date=D(2024, 12, 31), inhabitants=99_222)
    preview = fee_preview(2026)
    notices = [n for n in preview.all_notices if "folkmängden har ändrats" in n]
    assert len(notices) == 1
    assert "+15,2\u00a0%" in notices[0]
    assert "114\u00a0305" in notices[0] and "99\u00a0222" in notices[0]
    assert not [w for w in preview.all_warnings if "folkmängd" in w]
    settings.POPULATION_CHANGE_WARNING_PERCENT = 20
    assert not [n for n in fee_preview(2026).all_notices if "folkmängden" in n]


def test_the_preview_queries_do_not_grow_with_previous_figures(
    run_2026, django_assert_max_num_queries
):
    from membership.models import Agreement
    from tests.factories import MunicipalityFactory

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            fee_preview(2026)
        return len(context.captured_queries)

    before = count_queries()
    for number in range(5):
        actor = MunicipalityFactory(invoice_address="Box 1")
        actor.population_figures.create(reference_date=D(2025, 12, 31), inhabitants=1000)
        actor.population_figures.create(reference_date=D(2024, 12, 31), inhabitants=500 + number)
        Agreement.objects.create(actor=actor, signed_on=D(2024, 3, 1), signatory_name="A")
    assert count_queries() == before


def test_an_english_secretary_issues_swedish_invoice_text(run_2026):
    huddinge = run_2026[0]
    huddinge.population_figures.update(
        source="SCB:s siffra för kvartal 4 2024, återgiven av Wikipedia", kind="republished"
    )
    with translation.override("en"):
        invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    line = InvoiceLine.objects.get(invoice__actor=huddinge)
    assert "invånare" in line.basis
    assert "återgiven av Wikipedia" in line.basis
    assert "inhabitants" not in line.basis
    assert line.description.startswith("Medlemsavgift")


def test_reminder_text_is_swedish_with_bankgiro_and_ocr(issued):
    invoice = issued["Huddinge kommun"]
    with translation.override("en"):
        text = reminder_text(invoice, Decimal("43857.5"))
    assert "43\u00a0857,50\u00a0kr" in text
    assert "bankgiro 5050-1055" in text and invoice.ocr in text
    assert invoice.due_date.isoformat() in text


def test_the_reminder_in_the_outbox_reads_in_swedish(
    issued, mailoutbox, django_capture_on_commit_callbacks
):
    invoice = issued["Huddinge kommun"]
    services.payment_register(invoice=invoice, amount=Decimal("0.50"), paid_on=D(2026, 12, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invoice_reminders_send(today=D(2027, 1, 15)) == 1
    from notifications.models import Notification

    stored = Notification.objects.filter(kind="invoice", subject__startswith="Påminnelse").get()
    outstanding = invoice.total - Decimal("0.50")
    from membership.fees import sek

    assert sek(outstanding) in stored.body and "kr" in stored.body
    assert "Betala till bankgiro 5050-1055 med OCR-nummer " + invoice.ocr in stored.body
    sent = [m for m in mailoutbox if m.subject.startswith("Påminnelse")]
    assert len(sent) == 1 and sek(outstanding) in sent[0].body


def test_internal_settlements_get_no_reminder(run_2026, django_capture_on_commit_callbacks):
    huddinge = run_2026[0]
    huddinge.paid_internally = True
    huddinge.save()
    invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    internal = Invoice.objects.get(actor=huddinge)
    assert internal.kind == Invoice.Kind.INTERNAL
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_reminders_send(today=D(2027, 1, 15))
    from notifications.models import Notification

    assert not Notification.objects.filter(subject__contains=internal.number).exists()


def test_invoice_email_text_is_swedish(issued):
    invoice = issued["Huddinge kommun"]
    with translation.override("en"):
        text = invoice_email_text(invoice)
    from membership.fees import sek

    assert sek(invoice.total) in text and "Bankgiro: 5050-1055" in text
    assert "OCR-nummer: " + invoice.ocr in text and "Förfallodag" in text


# --- The invoice list -----------------------------------------------------------------------


def test_invoice_list_filters_totals_and_swedish_amounts(issued, secretariat):
    huddinge, police = issued["Huddinge kommun"], issued["Polisen"]
    services.payment_register(invoice=police, amount=police.total, paid_on=D(2026, 12, 20))
    url = reverse("membership:invoice_list")
    page = secretariat.get(url).content.decode()
    from membership.fees import sek

    assert sek(huddinge.total) in page and sek(police.total) in page
    paid = secretariat.get(url, {"status": "paid", "year": "2026"})
    numbers = [i.number for i in paid.context["page"].object_list]
    assert numbers == [police.number]
    assert paid.context["totals"]["invoiced"] == police.total
    assert paid.context["totals"]["outstanding"] == 0
    unpaid = secretariat.get(url, {"status": "unpaid"})
    assert [i.number for i in unpaid.context["page"].object_list] == [huddinge.number]
    assert sek(huddinge.total) in unpaid.content.decode()
    # (the page's session would expire on a trip in time: the list's selector itself)
    with time_machine.travel(datetime.datetime(2027, 1, 15, 12, tzinfo=datetime.UTC)):
        overdue = list(filtered_invoices(status="overdue"))
    assert [i.number for i in overdue] == [huddinge.number]
    with time_machine.travel(datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC)):
        assert not filtered_invoices(status="overdue").exists()
    none = secretariat.get(url, {"kind": "credit_note"})
    assert "Ingen faktura matchar filtren." in none.content.decode()
    assert "<label" in page and 'name="status"' in page


def test_invoice_list_pages_keep_the_filters(issued, secretariat):
    invoice = issued["Huddinge kommun"]
    for number in range(101):
        Invoice.objects.create(
            number=f"2098{number:05d}",
            year=2026,
            actor=invoice.actor,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            buyer_name="X",
            total=Decimal("10"),
        )
    response = secretariat.get(
        reverse("membership:invoice_list"), {"year": "2026", "status": "unpaid"}
    )
    assert "year=2026&amp;status=unpaid&amp;page=2" in response.content.decode()


def test_invoice_list_queries_do_not_grow_with_filters(
    issued, secretariat, django_assert_max_num_queries
):
    invoice = issued["Huddinge kommun"]
    url = reverse("membership:invoice_list")
    params = {"year": "2026", "status": "unpaid", "kind": "invoice"}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        secretariat.get(url, params)
    for number in range(40):
        Invoice.objects.create(
            number=f"2097{number:05d}",
            year=2026,
            actor=invoice.actor,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            buyer_name="X",
            total=Decimal("10"),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretariat.get(url, params)
    assert len(response.context["page"].object_list) == 42  # with both issued invoices


def test_the_invoice_email_in_the_outbox_carries_amount_bankgiro_and_ocr(
    run_2026, django_capture_on_commit_callbacks, mailoutbox
):
    from membership.documents import invoice_documents
    from membership.fees import sek
    from notifications.models import Notification

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
        invoice = Invoice.objects.get(actor=run_2026[0])  # e-mail delivery
        invoice_documents(invoice.pk)
    stored = Notification.objects.get(dedupe_key__startswith=f"invoice:{invoice.pk}:")
    assert sek(invoice.total) == "171\u00a0457,50\u00a0kr"
    assert f"Belopp: {sek(invoice.total)}" in stored.body
    assert "Bankgiro: 5050-1055" in stored.body and f"OCR-nummer: {invoice.ocr}" in stored.body
    [mail] = [m for m in mailoutbox if m.to == ["faktura@huddinge.example"]]
    assert f"Belopp: {sek(invoice.total)}" in mail.body and "Förfallodag: 2026-12-30" in mail.body


def test_the_run_page_shows_the_demo_warning_and_the_change_notice(run_2026, secretariat):
    huddinge = run_2026[0]
    huddinge.population_figures.update(kind="demo", source="demo – ej SCB")
    huddinge.population_figures.create(reference_date=D(2024, 12, 31), inhabitants=99_222)
    page = secretariat.get(reverse("membership:invoice_run", args=[2026])).content.decode()
    assert "folkmängden för 2025-12-31 är demodata, inte SCB:s: importera SCB:s siffra" in page
    assert "+15,2\u00a0%" in page
    refused = secretariat.post(reverse("membership:invoice_run", args=[2026]), {"confirm": "yes"})
    assert refused.status_code == 400 and not Invoice.objects.exists()
