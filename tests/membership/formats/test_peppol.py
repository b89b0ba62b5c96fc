import datetime
from decimal import Decimal

import pytest
from lxml import etree

from membership import invoicing
from membership.documents import invoice_documents
from membership.formats.peppol import NS
from membership.formats.peppol_validation import validate
from membership.invoicing import invoice_run_issue
from membership.models import Agreement, Invoice
from tests.membership.conftest import SCHEMAS

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_peppol_invoice_is_schema_valid(run_2026):
    invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "UBL-Invoice-2.1.xsd")))
    for invoice in Invoice.objects.all():
        invoice = invoice_documents(invoice.pk)
        document = etree.parse(invoice.xml.open("rb"))
        schema.assertValid(document)
        ns = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
        assert document.findtext("cbc:InvoiceTypeCode", namespaces=ns) == "380"
        assert document.findtext(".//cbc:PaymentID", namespaces=ns) == invoice.ocr
        assert document.findtext(".//cbc:PayableAmount", namespaces=ns) == f"{invoice.total:.2f}"


def test_the_peppol_credit_note_is_schema_valid(issued):
    note = invoicing.credit_note_issue(
        invoice=issued["Polisen"], amount=Decimal("80000"), reason="Fel avgiftsklass"
    )
    document = etree.parse(invoice_documents(note.pk).xml.open("rb"))
    etree.XMLSchema(etree.parse(str(SCHEMAS / "UBL-CreditNote-2.1.xsd"))).assertValid(document)
    ns = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
    assert document.findtext("cbc:CreditNoteTypeCode", namespaces=ns) == "381"
    assert document.findtext(".//cbc:ID", namespaces=ns)


def _endpoints(document) -> dict[str, tuple[str, str]]:
    return {
        role: (element.get("schemeID"), element.text)
        for role in ("AccountingSupplierParty", "AccountingCustomerParty")
        for element in document.iterfind(f"cac:{role}/cac:Party/cbc:EndpointID", NS)
    }


def _issue_for(run_2026, **actor_fields):
    huddinge, _police = run_2026
    for name, value in actor_fields.items():
        setattr(huddinge, name, value)
    huddinge.save()
    invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    invoice = invoice_documents(Invoice.objects.get(actor=huddinge).pk)
    xml = invoice.xml.open("rb").read()
    return invoice, xml, etree.fromstring(xml)


def test_a_buyer_with_a_peppol_id_is_addressed_by_it_and_the_buyer_reference_is_its_own(
    run_2026,
):
    invoice, xml, document = _issue_for(
        run_2026,
        invoice_delivery="peppol",
        peppol_id="0088:7300009000012",
        invoice_reference="KOMMUN-4711",
    )
    assert validate(xml) == []
    assert _endpoints(document) == {
        "AccountingSupplierParty": ("0007", "2021000076"),
        "AccountingCustomerParty": ("0088", "7300009000012"),
    }
    assert document.findtext("cbc:BuyerReference", namespaces=NS) == "KOMMUN-4711"
    assert invoice.buyer_reference == "KOMMUN-4711"


def test_a_buyer_without_a_peppol_id_is_addressed_by_its_organisation_number(run_2026):
    _invoice, xml, document = _issue_for(
        run_2026, invoice_delivery="peppol", peppol_id="", invoice_reference=""
    )
    assert validate(xml) == []
    assert _endpoints(document)["AccountingCustomerParty"] == ("0007", "2120000068")
    # No reference on the actor: the agreement's.
    assert document.findtext("cbc:BuyerReference", namespaces=NS) == "Ref 123"


def test_a_buyer_with_a_swedish_vat_number_id_is_addressed_by_the_organisation_number_in_it(
    run_2026,
):
    _invoice, xml, document = _issue_for(
        run_2026, invoice_delivery="peppol", peppol_id="9955:SE212000006801"
    )
    assert validate(xml) == []
    assert _endpoints(document)["AccountingCustomerParty"] == ("0007", "2120000068")


def test_an_e_mail_buyer_without_a_reference_gets_the_invoice_number(run_2026):
    huddinge, _police = run_2026
    Agreement.objects.filter(actor=huddinge).update(buyer_reference="")
    invoice, xml, document = _issue_for(run_2026, invoice_delivery="email", invoice_reference="")
    assert validate(xml) == []
    assert document.findtext("cbc:BuyerReference", namespaces=NS) == invoice.number


def test_the_credit_note_refers_to_the_invoice_and_has_no_due_date(issued):
    invoice = issued["Huddinge kommun"]
    note = invoicing.credit_note_issue(invoice=invoice, reason="Fel avgiftsklass")
    xml = invoice_documents(note.pk).xml.open("rb").read()
    document = etree.fromstring(xml)
    assert validate(xml) == []
    assert document.find("cbc:DueDate", NS) is None
    reference = document.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    assert reference.findtext("cbc:ID", namespaces=NS) == invoice.number
    assert document.findtext("cac:PaymentMeans/cbc:PaymentMeansCode", namespaces=NS) == "30"
    assert document.findtext("cbc:BuyerReference", namespaces=NS) == "Ref 123"
