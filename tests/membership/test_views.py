import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from membership.invoicing import invoice_run_issue
from membership.models import FeeSchedule, Invoice, Payment, Reimbursement

pytestmark = pytest.mark.django_db

SECRETARIAT_ONLY = (302, 403, 403, 200)
CONTACT_OR_SECRETARIAT = (302, 404, 200, 200)
ANY_MEMBER = (302, 200, 200, 200)


@pytest.fixture
def objects(run_2026, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_run_issue(year=2026, issue_date=datetime.date(2026, 11, 30))
    invoice = Invoice.objects.get(actor=run_2026[0])
    claim = Reimbursement.objects.create(actor=run_2026[1], year=2026, amount=1000)
    agreement = run_2026[0].agreements.get()
    agreement.document = SimpleUploadedFile("avtal.pdf", b"%PDF-1.7 signerat avtal")
    agreement.save()
    return {
        "invoice": invoice,
        "agreement": run_2026[0].agreements.get(),
        "schedule": FeeSchedule.objects.get(),
        "claim": claim,
        "payment": Payment.objects.create(
            amount=42, paid_on=datetime.date(2026, 11, 30), source=Payment.Source.BGMAX
        ),
    }


PAGES = [
    ("membership:overview", {}, SECRETARIAT_ONLY),
    ("membership:schedule_create", {}, SECRETARIAT_ONLY),
    ("membership:schedule_update", {"pk": "schedule"}, SECRETARIAT_ONLY),
    ("membership:agreement_create", {}, SECRETARIAT_ONLY),
    ("membership:agreement_update", {"pk": "agreement"}, SECRETARIAT_ONLY),
    ("membership:agreement_document", {"pk": "agreement"}, (302, 403, 200, 200)),
    ("membership:invoice_run", {"year": 2026}, SECRETARIAT_ONLY),
    ("membership:invoice_run_progress", {"year": 2026}, SECRETARIAT_ONLY),
    ("membership:invoice_list", {}, SECRETARIAT_ONLY),
    ("membership:invoice_detail", {"pk": "invoice"}, CONTACT_OR_SECRETARIAT),
    ("membership:invoice_pdf", {"pk": "invoice"}, CONTACT_OR_SECRETARIAT),
    ("membership:invoice_xml", {"pk": "invoice"}, CONTACT_OR_SECRETARIAT),
    ("membership:invoice_send_again", {"pk": "invoice"}, SECRETARIAT_ONLY),
    ("membership:my_invoices", {}, ANY_MEMBER),
    ("membership:bgmax", {}, SECRETARIAT_ONLY),
    ("membership:sie", {"year": 2026}, SECRETARIAT_ONLY),
    ("membership:csv", {"year": 2026}, SECRETARIAT_ONLY),
    ("membership:reimbursements", {}, SECRETARIAT_ONLY),
    ("membership:statement", {"year": 2026}, SECRETARIAT_ONLY),
    ("membership:seller_settings", {}, SECRETARIAT_ONLY),
    ("membership:unmatched_payments", {}, SECRETARIAT_ONLY),
    ("membership:payment_allocate", {"pk": "payment"}, SECRETARIAT_ONLY),
]


@pytest.fixture
def clients(member, secretariat, objects):
    contact = Client()
    contact.force_login(objects["agreement"].invoice_contact.user)
    return [Client(), member, contact, secretariat]


@pytest.mark.parametrize(("name", "kwargs", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_permission_matrix(name, kwargs, expected, objects, clients):
    url = reverse(
        name, kwargs={k: objects[v].pk if isinstance(v, str) else v for k, v in kwargs.items()}
    )
    for client, status in zip(clients, expected, strict=True):
        assert client.get(url).status_code == status, url


def test_every_membership_url_is_covered():
    from membership.urls import urlpatterns

    covered = {p[0].split(":")[1] for p in PAGES} | {"reimbursement_decide"}
    assert {p.name for p in urlpatterns} == covered


def test_the_run_page_previews_warns_issues_and_shows_progress(
    run_2026, secretariat, seller_update
):
    seller_update(bankgiro="")
    page = secretariat.get(reverse("membership:invoice_run", args=[2026])).content.decode()
    assert "bankgiro är inte angivet" in page and "Ställ ut fakturor" not in page
    assert reverse("membership:seller_settings") in page
    seller_update(bankgiro="5050-1055")
    page = secretariat.get(reverse("membership:invoice_run", args=[2026])).content.decode()
    assert "Ställ ut fakturor" in page and "171\u00a0457,50\u00a0kr" in page
    refused = secretariat.post(reverse("membership:invoice_run", args=[2026]), {})
    assert refused.status_code == 400 and not Invoice.objects.exists()
    secretariat.post(reverse("membership:invoice_run", args=[2026]), {"confirm": "yes"})
    assert Invoice.objects.count() == 2
    progress = secretariat.get(
        reverse("membership:invoice_run_progress", args=[2026])
    ).content.decode()
    assert "<progress" in progress


def test_bgmax_upload_page(objects, secretariat):
    from tests.membership.formats.test_bgmax import bgmax

    content = bgmax((objects["invoice"].ocr, objects["invoice"].total, "7"), ("123", 5, "8"))
    response = secretariat.post(
        reverse("membership:bgmax"),
        {"file": SimpleUploadedFile("bgmax.txt", content.encode("latin-1"))},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 betalda helt" in body and "1 ej matchade" in body


def test_a_member_cannot_see_another_actors_invoice(objects, member):
    assert (
        member.get(reverse("membership:invoice_detail", args=[objects["invoice"].pk])).status_code
        == 404
    )


def test_invoice_list_queries_do_not_grow(objects, secretariat, django_assert_max_num_queries):
    from decimal import Decimal

    from membership import invoicing, services

    invoice = objects["invoice"]
    services.payment_register(
        invoice=invoice, amount=Decimal("1000"), paid_on=datetime.date(2026, 12, 1)
    )
    invoicing.credit_note_issue(invoice=invoice, amount=Decimal("500"), reason="Rättelse")
    for i in range(60):
        Invoice.objects.create(
            number=f"2099{i:05d}",
            year=2099,
            actor=invoice.actor,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            buyer_name="X",
            total=Decimal("10"),
        )
    with django_assert_max_num_queries(14):
        response = secretariat.get(reverse("membership:invoice_list"))
    assert response.status_code == 200
    rows = {i.number: i.outstanding_amount for i in response.context["page"].object_list}
    assert rows[invoice.number] == invoice.total - Decimal("1500")


def test_the_signed_agreement_is_checked_by_content(run_2026, secretariat):
    agreement = run_2026[0].agreements.get()
    url = reverse("membership:agreement_update", args=[agreement.pk])
    data = {
        "actor": agreement.actor_id,
        "signed_on": "2024-03-01",
        "signatory_name": "A",
        "buyer_reference": "Ref 123",
        "invoice_contact": agreement.invoice_contact_id,
    }
    fake = SimpleUploadedFile("avtal.pdf", b"MZ\x90\x00 not a pdf")
    refused = secretariat.post(url, {**data, "document": fake})
    assert refused.status_code == 400
    assert "inte en filtyp" in refused.content.decode()
    text = SimpleUploadedFile("avtal.txt", b"just text")
    assert (
        "PDF-, PNG- eller JPEG-fil"
        in secretariat.post(url, {**data, "document": text}).content.decode()
    )
    good = SimpleUploadedFile("../../Avtal 2024 <slut>.pdf", b"%PDF-1.7 signerat")
    assert secretariat.post(url, {**data, "document": good}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.document.name.startswith("agreements/Avtal_2024_slut")
    download = secretariat.get(reverse("membership:agreement_document", args=[agreement.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == b"%PDF-1.7 signerat"
