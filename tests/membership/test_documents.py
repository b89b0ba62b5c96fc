"""Invoice documents are never lost: the sweep makes what a dead worker left, a file gone from
storage is made again (download, export, sweep) with the same number, and storage never holds a
file that no invoice names."""

import datetime
import io
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.urls import reverse
from lxml import etree
from pypdf import PdfReader

from membership import documents
from membership.documents import invoice_documents, invoices_missing_documents
from membership.invoicing import invoice_run_issue
from membership.models import Invoice, InvoiceCounter
from membership.tasks import produce_invoice_documents, sweep_invoice_documents
from notifications.models import Notification

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Each test stores its files in a directory of its own, to compare with the rows."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def issued_bare(run_2026) -> list[Invoice]:
    """The 2026 run issued, and no worker ever ran (its tasks were lost)."""
    invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    return list(Invoice.objects.order_by("number"))


def stored_files(media: Path) -> set[str]:
    root = media / "invoices"
    if not root.exists():
        return set()
    return {str(p.relative_to(media)) for p in root.rglob("*") if p.is_file()}


def recorded_names() -> set[str]:
    return {
        name
        for pdf, xml in Invoice.objects.values_list("pdf", "xml")
        for name in (pdf, xml)
        if name
    }


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def assert_complete(invoice: Invoice) -> None:
    invoice.refresh_from_db()
    assert invoice.pdf.name == f"invoices/{invoice.number}.pdf"
    assert invoice.xml.name == f"invoices/{invoice.number}.xml"
    with invoice.pdf.open("rb") as pdf:
        assert invoice.number in pdf_text(pdf.read())
    with invoice.xml.open("rb") as xml:
        assert etree.parse(xml).findtext("{*}ID") == invoice.number


# --- The sweep --------------------------------------------------------------------------------


def test_the_sweep_makes_the_documents_a_lost_task_left_undone(
    issued_bare, media, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.INVOICE_DOCUMENT_GRACE_SECONDS = 300
    assert invoices_missing_documents() == []  # just issued: the queued task has its chance
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=301)
    assert invoices_missing_documents(now=later) == [i.pk for i in issued_bare]
    settings.INVOICE_DOCUMENT_GRACE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_invoice_documents() == 2
    for invoice in issued_bare:
        assert_complete(invoice)
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["202600001", "202600002"]
    assert InvoiceCounter.objects.get(series="invoice", year=2026).last_number == 2
    assert stored_files(media) == recorded_names()
    [mail] = mailoutbox  # Polisen has no invoice address
    assert mail.to == ["faktura@huddinge.example"]
    # Nothing is left to do: the next sweep queues nothing and renders nothing.
    with mock.patch.object(documents, "_render") as render:
        assert sweep_invoice_documents() == 0
    render.assert_not_called()


def test_the_sweep_makes_a_file_gone_from_storage_again_under_its_name(
    issued_bare, media, settings
):
    settings.INVOICE_DOCUMENT_GRACE_SECONDS = 0
    invoice, _other = (invoice_documents(i.pk) for i in issued_bare)
    (media / invoice.pdf.name).unlink()
    assert invoices_missing_documents() == [invoice.pk]
    with mock.patch.object(documents, "_render", wraps=documents._render) as render:
        sweep_invoice_documents()
    assert [c.args[1] for c in render.call_args_list if c.args[0].pk == invoice.pk] == ["pdf"]
    assert_complete(invoice)
    assert Notification.objects.filter(dedupe_key__startswith=f"invoice:{invoice.pk}:").count() == 1


def test_a_repeated_task_makes_nothing_twice_and_emails_once(
    issued_bare, media, django_capture_on_commit_callbacks, mailoutbox
):
    huddinge = issued_bare[0]
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            produce_invoice_documents.delay(huddinge.pk)
    assert_complete(huddinge)
    assert len(mailoutbox) == 1 and mailoutbox[0].attachments[0][0] == "202600001.pdf"
    assert stored_files(media) == {"invoices/202600001.pdf", "invoices/202600001.xml"}


# --- No orphan files --------------------------------------------------------------------------


def test_a_failure_before_the_names_are_recorded_leaves_no_orphan_file(issued_bare, media):
    invoice = issued_bare[0]
    real_save = Invoice.save

    def failing_save(self, *args, **kwargs):
        if "pdf" in (kwargs.get("update_fields") or []):
            raise DatabaseError("connection lost")
        return real_save(self, *args, **kwargs)

    with (
        mock.patch.object(Invoice, "save", failing_save),
        pytest.raises(DatabaseError),
    ):
        invoice_documents(invoice.pk)
    invoice.refresh_from_db()
    # The files and the hand-over are recorded together: nothing was, and no file is left.
    assert not invoice.pdf and not invoice.xml and invoice.emailed_at is None
    assert stored_files(media) == recorded_names() == set()
    invoice_documents(invoice.pk)  # the next attempt (the sweep) makes them, same number
    assert_complete(invoice)
    assert stored_files(media) == recorded_names()


def test_the_documents_and_the_hand_over_are_one_write_of_the_invoice(issued_bare, media):
    invoice = issued_bare[0]
    before = invoice.history.count()
    invoice_documents(invoice.pk)
    assert invoice.history.count() == before + 1
    latest = invoice.history.first()
    assert latest.xml and latest.pdf and latest.emailed_at is not None


def test_a_file_left_by_a_killed_writer_is_written_again_under_the_same_name(
    issued_bare, media, settings
):
    invoice = issued_bare[0]
    # Killed after the rename, before the record; and another during the write.
    (media / "invoices").mkdir(parents=True)
    (media / "invoices" / "202600001.pdf").write_bytes(b"half")
    (media / "invoices" / ".202600001.pdf.abc123.part").write_bytes(b"ha")
    invoice_documents(invoice.pk)
    assert_complete(invoice)
    settings.INVOICE_DOCUMENT_GRACE_SECONDS = 0
    assert documents.stale_temporary_files_remove() == 1
    assert (
        stored_files(media)
        == recorded_names()
        == {
            "invoices/202600001.pdf",
            "invoices/202600001.xml",
        }
    )


# --- On demand --------------------------------------------------------------------------------


def test_a_download_makes_a_missing_file_again_with_the_same_number(
    issued_bare, media, secretariat
):
    invoice = invoice_documents(issued_bare[0].pk)
    (media / invoice.pdf.name).unlink()
    (media / invoice.xml.name).unlink()
    response = secretariat.get(reverse("membership:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert "202600001" in pdf_text(b"".join(response.streaming_content))
    response = secretariat.get(reverse("membership:invoice_xml", args=[invoice.pk]))
    assert etree.fromstring(b"".join(response.streaming_content)).findtext("{*}ID") == "202600001"
    assert_complete(invoice)
    assert InvoiceCounter.objects.get(series="invoice", year=2026).last_number == 2


def test_a_download_before_the_worker_makes_the_document(issued_bare, media, secretariat):
    invoice = issued_bare[1]
    response = secretariat.get(reverse("membership:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    invoice.refresh_from_db()
    assert invoice.pdf.name == "invoices/202600002.pdf" and not invoice.xml
    assert stored_files(media) == recorded_names()


def test_a_download_that_cannot_be_made_says_so_instead_of_failing(issued_bare, media, secretariat):
    invoice = issued_bare[0]
    with mock.patch.object(documents, "_render", side_effect=OSError("no fonts")):
        response = secretariat.get(reverse("membership:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 503
    assert "202600001" in response.content.decode()
    assert "kunde inte skapas just nu" in response.content.decode()
    assert stored_files(media) == set()


def test_the_export_makes_a_missing_file_again_and_names_what_it_could_not_make(
    issued_bare, media, tmp_path
):
    first, second = (invoice_documents(i.pk) for i in issued_bare)
    (media / first.xml.name).unlink()
    out = tmp_path / "export"
    call_command("invoice_export", "2026", "--dir", str(out), stdout=StringIO())
    assert sorted(p.name for p in out.iterdir()) == [
        "202600001.pdf",
        "202600001.xml",
        "202600002.pdf",
        "202600002.xml",
    ]
    assert_complete(first)
    (media / second.pdf.name).unlink()
    with (
        mock.patch.object(documents, "_render", side_effect=OSError("no fonts")),
        pytest.raises(CommandError, match="202600002"),
    ):
        call_command("invoice_export", "2026", "--dir", str(tmp_path / "again"), stdout=StringIO())
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == [
        "202600001.pdf",
        "202600001.xml",
    ]


# --- Settings ---------------------------------------------------------------------------------


def test_a_killed_worker_gives_the_document_task_back_and_the_sweep_is_scheduled(settings):
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert produce_invoice_documents.acks_late and produce_invoice_documents.reject_on_worker_lost
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-invoice-documents"]
    assert entry["task"] == "membership.tasks.sweep_invoice_documents"
    assert entry["schedule"] == settings.INVOICE_DOCUMENT_SWEEP_SECONDS
