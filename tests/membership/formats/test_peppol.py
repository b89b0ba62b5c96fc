import datetime
from decimal import Decimal

import pytest
from lxml import etree

from membership import invoicing
from membership.documents import invoice_documents
from membership.invoicing import invoice_run_issue
from membership.models import Invoice
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
