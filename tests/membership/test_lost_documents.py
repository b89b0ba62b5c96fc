"""Issue 19, point 4: an invoice whose file is gone from storage is made again by every path
that needs it (``invoice_run --issue``, the download, ``invoice_export``, the beat sweep), under
its name, with the same number and size, and nothing is sent a second time. An internal
settlement has no documents and is never reported missing."""

import datetime
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from membership.documents import invoices_missing_documents
from membership.invoicing import corrected_invoice_issue, credit_note_issue, invoice_run_issue
from membership.models import Invoice, InvoiceTransmission
from membership.tasks import sweep_invoice_documents
from notifications.models import Notification

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def sent(run_2026, django_capture_on_commit_callbacks) -> dict[str, Invoice]:
    """The 2026 run issued and its workers done: every document made and handed over once."""
    with django_capture_on_commit_callbacks(execute=True):
        invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    return {i.actor.name: i for i in Invoice.objects.select_related("actor")}


def outgoing() -> dict[str, int]:
    """What left for the buyers: outbox messages by invoice, and e-invoice transmissions."""
    counts: dict[str, int] = {}
    for key in Notification.objects.values_list("dedupe_key", flat=True):
        if key.startswith("invoice"):
            counts[key] = counts.get(key, 0) + 1
    counts["transmissions"] = InvoiceTransmission.objects.count()
    return counts


def lose(media: Path, invoice: Invoice, field_name: str) -> tuple[Path, int]:
    """Delete the stored file; returns its path and size."""
    path = media / getattr(invoice, field_name).name
    size = path.stat().st_size
    path.unlink()
    return path, size


def assert_back(path: Path, size: int, invoice: Invoice) -> None:
    assert path.is_file() and path.stat().st_size == size
    if path.suffix == ".pdf":
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
        assert invoice.number in text
    else:
        assert f"<cbc:ID>{invoice.number}</cbc:ID>".encode() in path.read_bytes()
    invoice.refresh_from_db()
    assert getattr(invoice, path.suffix[1:]).name == f"invoices/{invoice.number}{path.suffix}"


def test_the_issue_command_makes_a_lost_file_again_and_does_not_say_all_is_done(sent, media):
    huddinge, police = sent["Huddinge kommun"], sent["Polisen"]
    before = outgoing()
    pdf, pdf_size = lose(media, huddinge, "pdf")
    xml, xml_size = lose(media, police, "xml")
    out = StringIO()
    call_command("invoice_run", "2026", "--issue", stdout=out)
    assert "Issued 0 invoice(s) for 2026; 2 were already issued." in out.getvalue()
    assert "Made 2 missing document file(s)." in out.getvalue()
    assert_back(pdf, pdf_size, huddinge)
    assert_back(xml, xml_size, police)
    assert outgoing() == before  # nothing sent a second time
    out = StringIO()
    call_command("invoice_run", "2026", "--issue", stdout=out)
    assert "missing" not in out.getvalue()


def test_the_issue_command_also_makes_a_lost_credit_note_and_corrected_invoice(
    sent, media, django_capture_on_commit_callbacks
):
    police = sent["Polisen"]
    with django_capture_on_commit_callbacks(execute=True):
        note = credit_note_issue(invoice=police, reason="Fel belopp")
    with django_capture_on_commit_callbacks(execute=True):
        corrected = corrected_invoice_issue(credited=police, amount=100, basis="Rätt belopp")
    note.refresh_from_db()
    corrected.refresh_from_db()
    before = outgoing()
    lost = [lose(media, note, "pdf"), lose(media, corrected, "pdf")]
    out = StringIO()
    call_command("invoice_run", "2026", "--issue", stdout=out)
    assert "Made 2 missing document file(s)." in out.getvalue()
    for (path, size), invoice in zip(lost, (note, corrected), strict=True):
        assert_back(path, size, invoice)
    assert outgoing() == before


def test_the_download_makes_a_lost_file_again_and_sends_nothing(sent, media, secretariat):
    huddinge = sent["Huddinge kommun"]
    before = outgoing()
    path, size = lose(media, huddinge, "pdf")
    response = secretariat.get(reverse("membership:invoice_pdf", args=[huddinge.pk]))
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content)) == size
    assert_back(path, size, huddinge)
    assert outgoing() == before


def test_the_export_makes_a_lost_file_again_and_sends_nothing(sent, media, tmp_path):
    police = sent["Polisen"]
    before = outgoing()
    path, size = lose(media, police, "pdf")
    out = tmp_path / "export"
    call_command("invoice_export", "2026", "--dir", str(out), stdout=StringIO())
    assert (out / f"{police.number}.pdf").stat().st_size == size
    assert_back(path, size, police)
    assert outgoing() == before


def test_the_sweep_makes_a_lost_file_again_and_sends_nothing(
    sent, media, settings, django_capture_on_commit_callbacks
):
    settings.INVOICE_DOCUMENT_GRACE_SECONDS = 0
    police = sent["Polisen"]
    before = outgoing()
    path, size = lose(media, police, "xml")
    assert invoices_missing_documents() == [police.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_invoice_documents() == 1
    assert_back(path, size, police)
    assert outgoing() == before
    assert invoices_missing_documents() == []


def test_an_internal_settlement_has_no_documents_and_is_never_reported_missing(
    run_2026, media, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.INVOICE_DOCUMENT_GRACE_SECONDS = 0
    _huddinge, police = run_2026
    police.paid_internally = True
    police.save()
    with django_capture_on_commit_callbacks(execute=True):
        invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    internal = Invoice.objects.get(kind=Invoice.Kind.INTERNAL)
    assert internal.number.startswith("I") and not internal.pdf and not internal.xml
    assert invoices_missing_documents() == []
    assert sweep_invoice_documents() == 0
    out = StringIO()
    call_command("invoice_run", "2026", "--issue", stdout=out)
    assert "missing" not in out.getvalue()
    call_command("invoice_export", "2026", "--dir", str(tmp_path / "export"), stdout=StringIO())
    assert not list((tmp_path / "export").glob(f"{internal.number}.*"))
    internal.refresh_from_db()
    assert not internal.pdf and not internal.xml
