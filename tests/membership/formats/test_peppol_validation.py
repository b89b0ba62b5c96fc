"""The three layers of the Peppol validator (UBL XSD, CEN EN16931, Peppol BIS 3) on documents
the portal renders, and on documents broken on purpose: each layer catches its own kind of
error."""

import datetime
import threading
from decimal import Decimal

import pytest
from lxml import etree

from membership import invoicing
from membership.formats import peppol_validation
from membership.formats.peppol import NS, invoice_xml
from membership.formats.peppol_validation import PeppolValidationError, assert_valid, fatal
from membership.formats.peppol_validation import validate as validate_xml
from membership.invoicing import invoice_run_issue
from membership.models import Invoice

pytestmark = pytest.mark.django_db
D = datetime.date


def _rendered(invoice: Invoice, settings) -> bytes:
    """The document as rendered, without the settings' check (the tests break it afterwards)."""
    settings.PEPPOL_VALIDATE_RENDERED = False
    return invoice_xml(invoice)


def _edit(xml: bytes, change) -> bytes:
    root = etree.fromstring(xml)
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _rules(findings) -> set[str]:
    return {finding.rule for finding in findings}


def test_every_issued_invoice_and_credit_note_passes_all_three_layers_without_a_warning(
    issued, settings
):
    note = invoicing.credit_note_issue(
        invoice=issued["Polisen"], amount=Decimal("80000"), reason="Fel avgiftsklass"
    )
    documents = [*issued.values(), note]
    for invoice in documents:
        findings = validate_xml(_rendered(invoice, settings))
        assert findings == [], (invoice.number, [str(finding) for finding in findings])
    assert {invoice.kind for invoice in documents} == {
        Invoice.Kind.INVOICE,
        Invoice.Kind.CREDIT_NOTE,
    }


def test_an_empty_buyer_endpoint_is_fatal_in_the_peppol_layer(issued, settings):
    xml = _rendered(issued["Polisen"], settings)

    def empty_endpoint(root):
        root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS).text = ""

    findings = fatal(validate_xml(_edit(xml, empty_endpoint)))
    peppol = {f.rule for f in findings if f.layer == "peppol"}
    assert peppol & {"PEPPOL-EN16931-R020", "PEPPOL-COMMON-R049", "PEPPOL-EN16931-R008"}
    with pytest.raises(PeppolValidationError) as error:
        assert_valid(_edit(xml, empty_endpoint))
    assert "PEPPOL-EN16931-R008" in str(error.value)


def test_a_broken_total_is_fatal_in_the_cen_layer(issued, settings):
    xml = _rendered(issued["Huddinge kommun"], settings)

    def wrong_payable(root):
        root.find("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", NS).text = "1.00"

    findings = fatal(validate_xml(_edit(xml, wrong_payable)))
    cen = {f.rule for f in findings if f.layer == "cen"}
    assert any(rule.startswith("BR-CO-") for rule in cen), findings
    assert all(f.layer != "xsd" for f in findings)


def test_an_element_out_of_order_is_caught_by_the_schema(issued, settings):
    xml = _rendered(issued["Huddinge kommun"], settings)

    def due_date_last(root):
        root.append(root.find("cbc:DueDate", NS))

    findings = validate_xml(_edit(xml, due_date_last))
    schema = [f for f in findings if f.layer == "xsd"]
    assert schema and all(f.flag == "fatal" for f in schema)
    assert "DueDate" in schema[0].text


def test_a_document_that_is_not_xml_or_not_ubl_is_fatal():
    assert _rules(validate_xml(b"<Invoice")) == {"XML"}
    findings = validate_xml(b"<?xml version='1.0'?><Order xmlns='urn:x'/>")
    assert [f.rule for f in fatal(findings)][:1] == ["XSD"]


def test_the_validator_fetches_nothing_from_the_network(issued, settings):
    xml = _rendered(issued["Huddinge kommun"], settings)
    hostile = xml.replace(
        b"?>\n", b'?>\n<!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/evil.dtd">\n', 1
    )
    findings = validate_xml(hostile)
    assert [(f.rule, f.flag) for f in findings] == [("XML", "fatal")]
    assert "prohibited" in findings[0].text


def test_the_validator_is_safe_from_several_threads(issued, settings):
    xml = _rendered(issued["Huddinge kommun"], settings)
    peppol_validation.warm_up()
    results = []

    def check():
        results.append(validate_xml(xml))

    threads = [threading.Thread(target=check) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [[]] * 4


def test_the_rendered_xml_is_refused_when_invalid_and_validation_is_on(run_2026, settings):
    invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    invoice = Invoice.objects.get(actor__name="Polisen")
    invoice.seller = {**invoice.seller, "org_number": ""}
    settings.PEPPOL_VALIDATE_RENDERED = True
    with pytest.raises(PeppolValidationError):
        invoice_xml(invoice)
    settings.PEPPOL_VALIDATE_RENDERED = False
    assert invoice_xml(invoice)
