"""Invoice documents survive a worker killed while it renders them: the sweep makes every PDF,
XML and e-mail that was lost, the numbers stay gapless, and storage keeps no file that no
invoice names."""

import datetime
import io
import time
from pathlib import Path

import pytest
from django.db.models import Q
from lxml import etree
from pypdf import PdfReader

from membership.invoicing import invoice_run_issue
from membership.models import Agreement, FeeSchedule, Invoice, InvoiceCounter
from membership.tasks import sweep_invoice_documents
from notifications.models import Notification
from notifications.services import requeue_stale
from tests.factories import ActorFactory
from tests.faults.harness import CountingSmtp, RedisServer, Worker, portal_settings, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

MEMBERS = 24
YEAR = 2026
# The worker's outbox: short leases, so a message the killed worker held goes out again soon.
WORKER_ENV = {
    "NOTIFICATION_LEASE_SECONDS": "4",
    "EMAIL_TIMEOUT": "2",
    "SMS_GATEWAY_TIMEOUT": "2",
    "WEBHOOK_TIMEOUT": "2",
}


@pytest.fixture
def members(settings):
    settings.SELLER = {
        **settings.SELLER,
        "org_number": "202100-0076",
        "bankgiro": "5050-1055",
        "address": "Hantverkargatan 29",
        "postal_code": "10422",
    }
    for i in range(MEMBERS):
        actor = ActorFactory(
            name=f"Medlem {i:02d}",
            kind="police",
            invoice_address=f"Box {i}\n106 75 Stockholm",
            invoice_email=f"faktura{i:02d}@medlem.example",
            # A valid e-invoice needs the buyer's organisation number (the run checks it).
            org_number="202100-0076",
            invoice_delivery="email",
        )
        Agreement.objects.create(
            actor=actor, signed_on=datetime.date(2024, 3, 1), signatory_name="A"
        )
    FeeSchedule.objects.create(year=YEAR, approved_on=datetime.date(2025, 11, 1))


def _stored(media: Path) -> set[str]:
    root = media / "invoices"
    return (
        {str(p.relative_to(media)) for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )


def _recorded() -> set[str]:
    return {n for pair in Invoice.objects.values_list("pdf", "xml") for n in pair if n}


def _pdfs_recorded() -> int:
    return Invoice.objects.exclude(pdf="").count()


def _undone() -> int:
    return Invoice.objects.filter(Q(pdf="") | Q(xml="") | Q(emailed_at__isnull=True)).count()


def _undone_when_settled(quiet: float = 1.5, timeout: float = 12) -> int:
    """Invoices still undone once nothing has changed for ``quiet`` seconds (bounded)."""
    deadline = time.monotonic() + timeout
    last, since = _undone(), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.1)
        now = _undone()
        if now != last:
            last, since = now, time.monotonic()
    return last


def _complete(smtp: CountingSmtp) -> bool:
    undone = _undone() > 0
    waiting = Notification.objects.exclude(status=Notification.Status.SENT).exists()
    return not undone and not waiting and len(set(smtp.recipients())) == MEMBERS


def test_a_worker_killed_while_rendering_loses_no_invoice_document(members, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the workers get the same (harness)
    settings.INVOICE_DOCUMENT_GRACE_SECONDS = 2
    settings.NOTIFICATION_STALE_SECONDS = 2
    started = time.monotonic()
    with (
        RedisServer() as redis,
        CountingSmtp() as smtp,
        portal_settings(redis.url),
    ):
        with Worker(redis.url, smtp.url, concurrency=2, extra_env=WORKER_ENV) as first:
            assert invoice_run_issue(year=YEAR) == (MEMBERS, 0)  # queued after commit
            # Killed in the middle of rendering: right after an invoice was recorded, its
            # process starts on the next while the other is part-way through its own.
            assert wait_until(lambda: _pdfs_recorded() >= 4, 30, 0.005)
            recorded = _pdfs_recorded()
            assert wait_until(lambda: _pdfs_recorded() > recorded, 30, 0.005)
            first.kill()  # the whole worker, main process and both pool processes
        at_kill = _pdfs_recorded()
        files_at_kill = len(_stored(settings.MEDIA_ROOT))
        unnamed_at_kill = len(_stored(settings.MEDIA_ROOT) - _recorded())
        assert 0 < at_kill < MEMBERS, "the worker finished before it could be killed"

        with Worker(redis.url, smtp.url, concurrency=2, extra_env=WORKER_ENV):
            # The new worker drains the queue; what the killed one had taken is lost to it.
            undone_by_queue = _undone_when_settled()
            # Beat's part, played here: the invoice sweep and the outbox sweep, until done.
            sweeps = 0
            deadline = time.monotonic() + 30
            while not _complete(smtp) and time.monotonic() < deadline:
                sweep_invoice_documents()
                requeue_stale()
                sweeps += 1
                wait_until(lambda: _complete(smtp), 2, interval=0.2)
            done = _complete(smtp)

    invoices = list(Invoice.objects.order_by("number"))
    print(
        f"\ninvoice faults: {MEMBERS} invoices; PDFs recorded when the worker was killed: "
        f"{at_kill} ({files_at_kill} files, {unnamed_at_kill} named by no row); "
        f"left undone by the queue alone: {undone_by_queue}; sweeps: {sweeps}; e-mails received: "
        f"{smtp.received()}, distinct: {len(set(smtp.message_ids()))}, "
        f"duplicates: {smtp.duplicates()}, lost: {MEMBERS - len(set(smtp.recipients()))}; "
        f"{time.monotonic() - started:.1f} s"
    )
    assert done, "documents or e-mails still missing after the sweeps"
    assert undone_by_queue >= 1 and sweeps >= 1  # the killed worker's task was lost: swept
    assert [i.number for i in invoices] == [f"{YEAR}{n:05d}" for n in range(1, MEMBERS + 1)]
    assert InvoiceCounter.objects.get(series="invoice", year=YEAR).last_number == MEMBERS
    for invoice in invoices:
        assert invoice.pdf.name == f"invoices/{invoice.number}.pdf"
        with invoice.pdf.open("rb") as pdf:
            text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read())).pages)
        assert invoice.number in text
        with invoice.xml.open("rb") as xml:
            assert etree.parse(xml).findtext("{*}ID") == invoice.number
    assert _stored(settings.MEDIA_ROOT) == _recorded()  # no orphan, no half-written file
    assert Notification.objects.filter(kind="invoice").count() == MEMBERS
    assert sorted(set(smtp.recipients())) == sorted(i.buyer_email for i in invoices)
    # A message the relay accepted just before its process was killed may come again (same
    # Message-ID): at most one per killed pool process.
    assert smtp.duplicates() <= 2
