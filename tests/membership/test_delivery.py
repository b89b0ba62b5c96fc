"""E-invoices reach the buyer through the Peppol access point, carried by the outbox: handed over
once (a retry or a repeat carries the same Idempotency-Key), their status polled and shown per
invoice, a failed or rejected one sent again by the secretariat; e-mail buyers still get the PDF.
The access point is a real HTTP server on 127.0.0.1 (``fake_access_point``)."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from membership import access_point as ap
from membership.documents import invoices_missing_documents
from membership.invoicing import invoice_run_issue
from membership.models import Invoice, InvoiceTransmission
from membership.tasks import (
    poll_invoice_transmissions,
    produce_invoice_documents,
    sweep_invoice_documents,
)
from notifications import delivery
from notifications.channels.base import PermanentError, TransientError
from notifications.models import Notification
from notifications.tasks import deliver, requeue_stale
from tests.membership.fake_access_point import TOKEN, FakeAccessPoint

pytestmark = pytest.mark.django_db
D = datetime.date
POLICE_ID = "0007:2021000076"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fake(settings):
    """The HTTP access point, pointed at the fake (started and stopped with bounded waits)."""
    with FakeAccessPoint() as server:
        settings.ACCESS_POINT_BACKEND = "membership.access_point.HttpAccessPoint"
        settings.ACCESS_POINT_URL = server.url
        settings.ACCESS_POINT_TOKEN = TOKEN
        settings.ACCESS_POINT_TIMEOUT = 5.0
        yield server


@pytest.fixture
def issue(run_2026, django_capture_on_commit_callbacks):
    """Issue the 2026 run as the workers would (documents, then the outbox); returns Polisen's
    invoice (an e-invoice buyer) and Huddinge's (asks for e-mail)."""

    def run() -> tuple[Invoice, Invoice]:
        with django_capture_on_commit_callbacks(execute=True):
            invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
        return (
            Invoice.objects.get(actor__name="Polisen"),
            Invoice.objects.get(actor__name="Huddinge kommun"),
        )

    return run


def stored_xml(invoice: Invoice) -> bytes:
    invoice.refresh_from_db()
    with invoice.xml.open("rb") as xml:
        return xml.read()


def peppol_rows(invoice: Invoice):
    return Notification.objects.filter(dedupe_key__startswith=f"invoice-peppol:{invoice.pk}")


def page(client, invoice: Invoice) -> str:
    response = client.get(reverse("membership:invoice_detail", args=[invoice.pk]))
    assert response.status_code == 200
    return response.content.decode()


def deliver_retry(row: Notification) -> None:
    """The outbox's retry of a row waiting for its backoff, run now (as the worker would when its
    countdown ends)."""
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=None)
    deliver.delay(row.pk)


# --- Delivery ---------------------------------------------------------------------------------


def test_the_run_hands_the_stored_einvoice_to_the_access_point_once(fake, issue, mailoutbox):
    police, huddinge = issue()
    [received] = fake.documents()
    assert received.document == stored_xml(police)
    assert received.content_type == "application/xml"
    assert (received.sender, received.receiver) == (POLICE_ID, POLICE_ID)
    [row] = peppol_rows(police)
    assert row.status == Notification.Status.SENT
    assert received.key == str(row.uid)
    transmission = police.transmission
    assert transmission.status == InvoiceTransmission.Status.SENT
    assert transmission.transmission_id == received.transmission_id
    assert transmission.notification_uid == row.uid
    assert transmission.receiver == POLICE_ID
    # Huddinge asked for e-mail: the PDF by e-mail, no e-invoice.
    [mail] = mailoutbox
    assert mail.to == ["faktura@huddinge.example"]
    assert mail.attachments[0][0] == f"{huddinge.number}.pdf"
    assert not peppol_rows(huddinge).exists()
    assert not InvoiceTransmission.objects.filter(invoice=huddinge).exists()
    police.refresh_from_db()
    assert police.emailed_at is not None  # handed to the outbox


def test_the_sweep_and_a_repeated_task_queue_no_second_einvoice(fake, issue, settings):
    police, _huddinge = issue()
    settings.INVOICE_DOCUMENT_GRACE_SECONDS = 0
    assert invoices_missing_documents() == []
    assert sweep_invoice_documents() == 0
    produce_invoice_documents.delay(police.pk)
    assert peppol_rows(police).count() == 1
    assert len(fake.documents()) == 1
    assert InvoiceTransmission.objects.count() == 1


def test_the_sweep_hands_over_an_einvoice_whose_worker_died(fake, run_2026, settings):
    """The issue's task was lost: nothing was queued. The sweep finds the e-invoice not handed
    over and queues it, once."""
    invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))  # no on_commit: the task is lost
    police = Invoice.objects.get(actor__name="Polisen")
    settings.INVOICE_DOCUMENT_GRACE_SECONDS = 0
    assert police.pk in invoices_missing_documents()
    sweep_invoice_documents()
    sweep_invoice_documents()
    assert peppol_rows(police).count() == 1
    assert InvoiceTransmission.objects.get().invoice == police


def test_a_busy_access_point_is_retried_and_takes_the_document_once(fake, issue):
    fake.answer_next(503)
    police, _huddinge = issue()
    [row] = peppol_rows(police)
    assert row.status == Notification.Status.PENDING
    assert "503" in row.last_error
    assert fake.documents() == []
    assert InvoiceTransmission.objects.get().status == InvoiceTransmission.Status.QUEUED
    deliver_retry(row)
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    [received] = fake.documents()
    assert received.key == str(row.uid)
    assert received.document == stored_xml(police)
    assert police.transmission.status == InvoiceTransmission.Status.SENT


def test_a_repeat_after_the_access_point_took_the_document_is_dropped_by_its_key(fake, issue):
    """A worker killed after the access point took the document and before the outcome was
    recorded: the sweep sends the row again, with the same Idempotency-Key, and the access point
    answers with the first transmission instead of taking a second document."""
    police, _huddinge = issue()
    [row] = peppol_rows(police)
    first = police.transmission.transmission_id
    Notification.objects.filter(pk=row.pk).update(
        status=Notification.Status.SENDING,
        lease_owner="dead-worker",
        lease_expires_at=datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(seconds=1),
    )
    InvoiceTransmission.objects.filter(pk=police.transmission.pk).update(
        status=InvoiceTransmission.Status.QUEUED, transmission_id=""
    )
    assert requeue_stale() == 1
    assert [method for method, _path in fake.requests].count("POST") == 2
    assert len(fake.documents()) == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    transmission = InvoiceTransmission.objects.get()
    assert (transmission.status, transmission.transmission_id) == ("sent", first)


def test_a_refused_einvoice_fails_with_its_reason_on_the_page_and_is_sent_again_once(
    fake, issue, secretariat, django_capture_on_commit_callbacks
):
    fake.refuse = "Receiver 0007:2021000076 is not registered in the SMP"
    police, _huddinge = issue()
    [row] = peppol_rows(police)
    assert row.status == Notification.Status.FAILED
    transmission = police.transmission
    assert transmission.status == InvoiceTransmission.Status.FAILED
    assert "400" in transmission.detail
    assert "not registered in the SMP" in transmission.detail
    html = page(secretariat, police)
    assert "Misslyckat" in html
    assert "not registered in the SMP" in html
    again = reverse("membership:invoice_send_again", args=[police.pk])
    assert again in html
    # The reason is dealt with; the secretariat sends it again: the same row, the same key.
    fake.refuse = ""
    assert secretariat.get(again).status_code == 200  # asks first
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(again)
    assert response.status_code == 302
    [received] = fake.documents()
    assert received.key == str(row.uid)
    assert peppol_rows(police).count() == 1
    transmission.refresh_from_db()
    assert transmission.status == InvoiceTransmission.Status.SENT
    assert transmission.detail == ""
    # A second click sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(again)
    assert response.status_code == 400
    assert len(fake.documents()) == 1
    assert again not in page(secretariat, police)


def test_an_invoice_contact_sees_the_status_but_cannot_send_again(
    fake, issue, run_2026, django_capture_on_commit_callbacks
):
    from django.test import Client

    fake.refuse = "Bad document"
    police, _huddinge = issue()
    contact = Client()
    contact.force_login(run_2026[1].agreements.get().invoice_contact.user)
    html = page(contact, police)
    again = reverse("membership:invoice_send_again", args=[police.pk])
    assert "Misslyckat" in html
    assert again not in html
    with django_capture_on_commit_callbacks(execute=True):
        assert contact.post(again).status_code == 403
    assert police.transmission.status == InvoiceTransmission.Status.FAILED


def test_the_last_attempt_of_a_busy_access_point_marks_the_transmission_failed(
    fake, issue, settings
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    fake.answer_next(503, times=2)
    police, _huddinge = issue()
    [row] = peppol_rows(police)
    deliver_retry(row)
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    transmission = InvoiceTransmission.objects.get()
    assert transmission.status == InvoiceTransmission.Status.FAILED
    assert "503" in transmission.detail


def test_the_buyers_own_peppol_id_is_the_receiver(fake, issue, run_2026):
    police_actor = run_2026[1]
    police_actor.peppol_id = "0007:2120000142"
    police_actor.save()
    police, _huddinge = issue()
    [received] = fake.documents()
    assert received.receiver == "0007:2120000142"
    assert police.transmission.receiver == "0007:2120000142"


def test_an_invalid_document_is_not_handed_over_and_names_the_rules(fake, issue):
    """The channel checks the document as an access point would: one that breaks a fatal rule
    is refused before it leaves, naming the rule ids."""
    from membership.peppol_channel import PeppolChannel

    fake.answer_next(503, times=1)  # the first attempt waits: the row stays to be tampered with
    police, _huddinge = issue()
    [row] = peppol_rows(police)
    invalid = stored_xml(police).replace(b"<cbc:EndpointID", b"<cbc:EndpointIdentifier", 1)
    invalid = invalid.replace(b"</cbc:EndpointID>", b"</cbc:EndpointIdentifier>", 1)
    from notifications.services import attachment

    row.attachments = [attachment("x.xml", invalid, "application/xml")]
    row.attempts = 1
    with pytest.raises(PermanentError, match="XSD"):
        PeppolChannel().send(row)
    assert fake.documents() == []
    transmission = InvoiceTransmission.objects.get()
    assert transmission.status == InvoiceTransmission.Status.FAILED
    assert "XSD" in transmission.detail


# --- Status from the access point -------------------------------------------------------------


def test_the_poll_records_delivered_on_the_invoice_page_and_list(fake, issue, secretariat):
    police, _huddinge = issue()
    transmission = police.transmission
    assert poll_invoice_transmissions.delay().get() == {}  # still on its way
    transmission.refresh_from_db()
    assert transmission.status == InvoiceTransmission.Status.SENT
    assert transmission.polled_at is not None
    fake.report(transmission.transmission_id, "delivered")
    assert poll_invoice_transmissions.delay().get() == {"delivered": 1}
    transmission.refresh_from_db()
    assert transmission.status == InvoiceTransmission.Status.DELIVERED
    html = page(secretariat, police)
    assert "Levererat" in html
    assert transmission.transmission_id in html
    listing = secretariat.get(reverse("membership:invoice_list")).content.decode()
    assert "Peppol: Levererat" in listing
    assert poll_invoice_transmissions.delay().get() == {}  # delivered is final: not asked again


def test_a_busy_access_point_leaves_the_poll_for_next_time(fake, issue):
    police, _huddinge = issue()
    fake.answer_next(503)
    assert poll_invoice_transmissions.delay().get() == {}
    assert InvoiceTransmission.objects.get().status == InvoiceTransmission.Status.SENT
    fake.report(police.transmission.transmission_id, "delivered")
    assert poll_invoice_transmissions.delay().get() == {"delivered": 1}


def test_a_rejected_einvoice_is_sent_again_as_a_new_message(
    fake, issue, secretariat, django_capture_on_commit_callbacks
):
    police, _huddinge = issue()
    first = police.transmission
    fake.report(first.transmission_id, "rejected", "BuyerReference unknown to the receiver")
    poll_invoice_transmissions()
    html = page(secretariat, police)
    assert "Avslaget" in html
    assert "BuyerReference unknown to the receiver" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(reverse("membership:invoice_send_again", args=[police.pk]))
    assert response.status_code == 302
    # The access point took the first one: the same key would be dropped, so a new message.
    rows = list(peppol_rows(police).order_by("pk"))
    assert [r.dedupe_key.split(":")[2] for r in rows] == ["peppol", "again-1"]
    first_doc, second_doc = fake.documents()
    assert first_doc.key != second_doc.key == str(rows[1].uid)
    assert second_doc.document == stored_xml(police)
    transmission = InvoiceTransmission.objects.get()
    assert transmission.status == InvoiceTransmission.Status.SENT
    assert transmission.transmission_id == second_doc.transmission_id
    assert transmission.resends == 1


# --- The access point's answers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (400, PermanentError),
        (422, PermanentError),
        (408, TransientError),
        (429, TransientError),
        (500, TransientError),
        (503, TransientError),
    ],
)
def test_the_http_access_point_sorts_answers_into_permanent_and_transient(fake, code, error):
    fake.answer_next(code)
    with pytest.raises(error, match=str(code)):
        ap.access_point().send(document=b"<x/>", sender="a", receiver="b", reference="r1")
    assert fake.documents() == []


def test_an_unreachable_access_point_is_transient(settings):
    settings.ACCESS_POINT_BACKEND = "membership.access_point.HttpAccessPoint"
    settings.ACCESS_POINT_URL = "http://127.0.0.1:9"  # nothing listens on discard
    settings.ACCESS_POINT_TIMEOUT = 2.0
    with pytest.raises(TransientError):
        ap.access_point().send(document=b"<x/>", sender="a", receiver="b", reference="r1")


def test_a_wrong_token_is_refused_permanently(fake, settings):
    settings.ACCESS_POINT_TOKEN = "wrong"
    with pytest.raises(PermanentError, match="401"):
        ap.access_point().send(document=b"<x/>", sender="a", receiver="b", reference="r1")


# --- The local access point (make run) ----------------------------------------------------------


def test_the_local_access_point_writes_each_document_once(issue, media):
    police, _huddinge = issue()
    [row] = peppol_rows(police)
    path = media / "peppol-outbox" / f"{row.uid}.xml"
    assert path.read_bytes() == stored_xml(police)
    assert police.transmission.transmission_id == str(row.uid)
    local = ap.LocalAccessPoint()
    assert local.send(document=b"other", sender="a", receiver="b", reference=str(row.uid)) == str(
        row.uid
    )
    assert path.read_bytes() == stored_xml(police)
    assert [p.name for p in (media / "peppol-outbox").iterdir()] == [path.name]
    assert poll_invoice_transmissions() == {"delivered": 1}
    with pytest.raises(PermanentError):
        local.send(document=b"x", sender="a", receiver="b", reference="../escape")


# --- Pages --------------------------------------------------------------------------------------


def test_the_peppol_channel_is_not_a_personal_choice(member):
    html = member.get(reverse("notifications:preferences")).content.decode()
    assert ":email" in html  # the page lists the personal channels…
    assert ":peppol" not in html  # …not the e-invoice's


def test_the_invoice_list_shows_delivery_without_a_query_per_row(
    fake, issue, secretariat, django_assert_max_num_queries
):
    police, _huddinge = issue()

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert secretariat.get(reverse("membership:invoice_list")).status_code == 200
        return len(queries)

    count()  # the first request of a session makes its own queries
    before = count()
    for i in range(30):
        invoice = Invoice.objects.create(
            number=f"2099{i:05d}",
            year=2099,
            actor=police.actor,
            issue_date=police.issue_date,
            due_date=police.due_date,
            buyer_name="X",
            total=Decimal("10"),
            delivery=Invoice.Delivery.PEPPOL,
        )
        InvoiceTransmission.objects.create(invoice=invoice, receiver=POLICE_ID, status="sent")
    assert count() == before
    with django_assert_max_num_queries(before):
        listing = secretariat.get(reverse("membership:invoice_list")).content.decode()
    assert listing.count("Peppol: Skickad till accesspunkten") == 31


def test_delivery_poll_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["poll-invoice-transmissions"]
    assert entry["task"] == "membership.tasks.poll_invoice_transmissions"
    assert entry["schedule"] == float(settings.ACCESS_POINT_POLL_SECONDS)
    assert 2 * settings.ACCESS_POINT_TIMEOUT <= settings.NOTIFICATION_LEASE_SECONDS


def test_a_network_access_point_slower_than_half_the_lease_is_refused_at_start_up():
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ssr_portal.settings",
        "NOTIFICATION_LEASE_SECONDS": "20",
        "ACCESS_POINT_TIMEOUT": "15",
        "ACCESS_POINT_BACKEND": "membership.access_point.HttpAccessPoint",
        "ACCESS_POINT_URL": "https://ap.example/api",
    }

    def start() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", "import ssr_portal.settings"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    result = start()
    assert result.returncode != 0 and "ACCESS_POINT_TIMEOUT" in result.stderr
    env["ACCESS_POINT_TIMEOUT"] = "10"
    assert start().returncode == 0
    env["ACCESS_POINT_URL"] = ""
    result = start()
    assert result.returncode != 0 and "ACCESS_POINT_URL" in result.stderr


def test_the_notifications_delivery_module_stays_generic():
    """The outbox never names the membership app (the channel registers itself)."""
    import inspect

    import notifications.channels.base
    import notifications.views

    for module in (delivery, notifications.views, notifications.channels.base):
        assert "membership" not in inspect.getsource(module)
