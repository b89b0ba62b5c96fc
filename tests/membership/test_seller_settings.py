"""The invoicing settings: one row with history, made from the environment on first read, edited
by the secretariat on its page; the next invoice carries what was saved, an issued one never
changes."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from lxml import etree
from pypdf import PdfReader

from membership import invoicing, seller
from membership.documents import invoice_documents
from membership.models import Agreement, Invoice, SellerSettings
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db
D = datetime.date
URL = reverse("membership:seller_settings")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def form_data(**changes) -> dict:
    """The page's form as the secretariat sends it, every field filled in."""
    from actors.models import Actor

    data = {
        "name": "Länsstyrelsen i Stockholms län",
        "org_number": "202100-0076",
        "bankgiro": "5050-1055",
        "address": "Hantverkargatan 29",
        "postal_code": "104 22",
        "city": "Stockholm",
        "email": "samverkan@example.org",
        "phone": "",
        "reference": "Samverkan Stockholmsregionen",
        "due_days": "30",
        **{f"vat_{kind}": "O" for kind in Actor.Kind.values},
    }
    return {**data, **changes}


def pdf_text(field) -> str:
    with field.open("rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def payee_account(field) -> str:
    with field.open("rb") as xml:
        return etree.parse(xml).findtext(".//{*}PayeeFinancialAccount/{*}ID")


# --- Defaults ---------------------------------------------------------------------------------


def test_the_first_read_makes_the_row_from_the_environment(settings):
    settings.SELLER = {**settings.SELLER, "postal_code": "10422", "phone": "08-123 456 78"}
    settings.INVOICE_DUE_DAYS = 45
    settings.VAT_CATEGORIES = {"port": "O"}
    assert not SellerSettings.objects.exists()
    assert seller.seller_details() == {
        "name": settings.SELLER["name"],
        "org_number": "202100-0076",
        "bankgiro": "5050-1055",
        "address": "Hantverkargatan 29",
        "postal_code": "104 22",  # normalised
        "city": settings.SELLER["city"],
        "email": settings.SELLER["email"],
        "reference": settings.SELLER["reference"],
        "phone": "08-123 456 78",
    }
    assert seller.due_days() == 45 and seller.vat_categories() == {"port": "O"}
    assert SellerSettings.objects.count() == 1 and SellerSettings.history.count() == 1
    # From now on the row decides, not the environment.
    settings.SELLER = {**settings.SELLER, "bankgiro": "991-2346"}
    settings.INVOICE_DUE_DAYS = 10
    assert seller.seller_details()["bankgiro"] == "5050-1055" and seller.due_days() == 45


def test_a_malformed_environment_value_is_left_empty_and_the_run_says_so(settings):
    settings.SELLER = {**settings.SELLER, "bankgiro": "5050-1056"}  # wrong check digit
    assert seller.seller_details()["bankgiro"] == ""
    assert invoicing.seller_warnings() == [
        "Säljarens bankgiro är inte angivet: ange det på sidan Faktureringsinställningar."
    ]


def test_there_is_only_ever_one_row():
    seller.seller_settings()
    with pytest.raises(IntegrityError), transaction.atomic():
        SellerSettings.objects.create(id=2, name="Another seller")
    assert seller.seller_settings().pk == SellerSettings.SINGLETON_PK
    with pytest.raises(IntegrityError), transaction.atomic():
        SellerSettings.objects.filter(pk=1).update(due_days=0)


@pytest.mark.django_db(transaction=True)
def test_first_reads_at_the_same_moment_make_one_row():
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    start = threading.Barrier(4)

    def first_read(_index: int) -> str:
        try:
            start.wait(timeout=10)
            return seller.seller_details()["bankgiro"]
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(first_read, range(4))) == ["5050-1055"] * 4
    assert SellerSettings.objects.count() == 1 and SellerSettings.history.count() == 1


# --- The page ---------------------------------------------------------------------------------


def test_the_bankgiro_changed_on_the_page_is_on_the_next_invoice_and_not_on_an_issued_one(
    issued, secretariat, django_capture_on_commit_callbacks, media
):
    huddinge = issued["Huddinge kommun"]
    before = invoice_documents(huddinge.pk)
    assert "5050-1055" in pdf_text(before.pdf)

    response = secretariat.post(URL, form_data(bankgiro="9912346"))
    assert response.status_code == 302
    page = secretariat.get(response["Location"]).content.decode()
    assert "Faktureringsinställningarna sparades" in page
    assert seller.seller_details()["bankgiro"] == "991-2346"  # stored normalised

    # The next run issues the invoice of an actor that joined since, with the new bankgiro.
    joined = ActorFactory(
        name="Kustbevakningen",
        kind="coast_guard",
        org_number="202100-5489",
        invoice_reference="KBV-1",
        invoice_address="Box 3",
    )
    Agreement.objects.create(actor=joined, signed_on=D(2026, 12, 1), signatory_name="B")
    with django_capture_on_commit_callbacks(execute=True):
        assert invoicing.invoice_run_issue(year=2026) == (1, 2)
    new = Invoice.objects.get(actor=joined)
    # And the corrected invoice after a credit note.
    police = issued["Polisen"]
    with django_capture_on_commit_callbacks(execute=True):
        invoicing.credit_note_issue(invoice=police, reason="Fel belopp")
    with django_capture_on_commit_callbacks(execute=True):
        corrected = invoicing.corrected_invoice_issue(
            credited=police, amount=Decimal("140000"), basis="Rätt belopp"
        )
    for invoice in (new, corrected):
        invoice.refresh_from_db()
        assert invoice.seller["bankgiro"] == "991-2346"
        assert payee_account(invoice.xml) == "9912346"
        assert "Bankgiro: 991-2346" in pdf_text(invoice.pdf)

    # An invoice issued before keeps the old bankgiro, also when its lost PDF is made again.
    huddinge.refresh_from_db()
    assert huddinge.seller["bankgiro"] == "5050-1055"
    (media / huddinge.pdf.name).unlink()
    again = invoice_documents(huddinge.pk)
    assert "Bankgiro: 5050-1055" in pdf_text(again.pdf) and "991-2346" not in pdf_text(again.pdf)
    assert payee_account(again.xml) == "50501055"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bankgiro", "5050-1056", "Kontrollsiffran i bankgironumret 5050-1056 stämmer inte"),
        ("bankgiro", "12345", "Ett bankgironummer har sju eller åtta siffror"),
        ("org_number", "202100-0077", "inte ett giltigt organisationsnummer"),
        ("postal_code", "1042", "Ett postnummer har fem siffror"),
        ("due_days", "0", "1"),
        ("due_days", "121", "120"),
        ("name", "", "Detta fält måste fyllas i"),
    ],
)
def test_the_page_refuses_a_bad_value_and_saves_nothing(secretariat, field, value, message):
    before = seller.seller_details()
    response = secretariat.post(URL, form_data(**{field: value}))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in " ".join(errors[field])
    assert seller.seller_details() == before
    assert SellerSettings.history.count() == 1  # only the row made from the defaults


def test_only_the_supported_vat_categories_can_be_chosen(secretariat):
    page = secretariat.get(URL).content.decode()
    assert "O – utanför momsens tillämpningsområde" in page
    assert "Momskategori: Polis" in page
    response = secretariat.post(URL, form_data(vat_police="E"))
    assert response.status_code == 400 and "vat_police" in response.context["form"].errors
    with pytest.raises(Exception, match="Momskategori E stöds inte"):
        seller.seller_settings_update(vat_categories={"police": "E"})
    assert seller.vat_categories() == {}


def test_each_change_is_in_the_history_below_the_form_newest_first(secretariat, secretariat_user):
    secretariat.post(URL, form_data(bankgiro="991-2346"))
    secretariat.post(URL, form_data(bankgiro="991-2346", due_days="20", phone="08-123 456 78"))
    secretariat.post(URL, form_data(bankgiro="991-2346", due_days="20", phone="08-123 456 78"))
    records = list(SellerSettings.history.order_by("-history_date", "-history_id"))
    assert [r.history_type for r in records] == ["~", "~", "+"]  # nothing changed: not recorded
    assert records[0].history_user == secretariat_user
    page = secretariat.get(URL).content.decode()
    history = page[page.index('id="history-heading"') :]
    newest, older = history.index("Betalningsvillkor (dagar)"), history.index("Gatuadress")
    assert newest < older  # the newest change first, the first version last
    assert "<del>5050-1055</del> → <ins>991-2346</ins>" in history
    assert "<del>30</del> → <ins>20</ins>" in history
    assert "<del>–</del> → <ins>08-123 456 78</ins>" in history
    assert "sara" in history


def test_the_overview_links_to_the_settings(secretariat):
    assert URL in secretariat.get(reverse("membership:overview")).content.decode()


def test_the_run_page_links_to_the_settings_only_when_the_seller_is_incomplete(
    run_2026, secretariat, seller_update
):
    run_page = reverse("membership:invoice_run", args=[2026])
    assert URL not in secretariat.get(run_page).content.decode()
    seller_update(org_number="")
    page = secretariat.get(run_page).content.decode()
    assert URL in page
    assert "Säljarens organisationsnummer är inte angivet" in page
    assert "SELLER_ORG_NUMBER" not in page


def test_the_page_queries_do_not_grow_with_the_history(secretariat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert secretariat.get(URL).status_code == 200
        return len(captured.captured_queries)

    for days in range(2, 5):
        seller.seller_settings_update(due_days=days)
    few = queries()
    for days in range(5, 35):
        seller.seller_settings_update(due_days=days)
    assert queries() <= few


def test_the_sellers_contact_is_on_the_pdf_and_in_the_einvoice(run_2026, seller_update, media):
    seller_update(phone="08-785 40 00", email="samverkan@example.org")
    invoicing.invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    invoice = invoice_documents(Invoice.objects.get(actor__name="Polisen").pk)
    text = pdf_text(invoice.pdf)
    assert "08-785 40 00" in text and "samverkan@example.org" in text
    with invoice.xml.open("rb") as xml:
        root = etree.fromstring(xml.read())  # rendered under the Peppol rules (test settings)
    contact = root.find("{*}AccountingSupplierParty/{*}Party/{*}Contact")
    assert [(child.tag.split("}")[1], child.text) for child in contact] == [
        ("Telephone", "08-785 40 00"),
        ("ElectronicMail", "samverkan@example.org"),
    ]
