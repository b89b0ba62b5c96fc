"""Peppol BIS Billing 3.0 (UBL 2.1) for invoices and credit notes, built with lxml.

Element order follows the UBL 2.1 schema; the rules followed are summarised in the project's
Peppol notes: customization and profile ids, type code 380/381, scheme 0007 for Swedish
organisation numbers, VAT category O with exemption reason VATEX-EU-O by default, bankgiro
payment (code 30, SE:BANKGIRO, the OCR reference as PaymentID).

The seller's electronic address is 0007 and its organisation number; the buyer's is its Peppol
participant id, else 0007 and its organisation number (``buyer_checks.buyer_endpoint``; the
preview refuses a buyer without either). BuyerReference is the buyer's own reference, the invoice
number only for a buyer that has none (one that gets its invoices by e-mail). A credit note
refers to the credited invoice (BillingReference) and has no DueDate (UBL's CreditNote has none;
the payment date is in PaymentMeans). With ``settings.PEPPOL_VALIDATE_RENDERED`` every document is
checked against the UBL schema, the CEN EN16931 and the Peppol BIS 3 rules before it is returned
(``peppol_validation``; the test suite turns it on).
"""

import re
from decimal import Decimal

from django.conf import settings
from lxml import etree

from ..buyer_checks import buyer_endpoint
from ..models import Invoice
from .peppol_validation import assert_valid

NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
VAT_EXEMPTION = {"O": ("VATEX-EU-O", "Not subject to VAT")}


def _el(parent, tag: str, text=None, **attrs):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", **attrs)
    if text is not None:
        element.text = str(text)
    return element


def _money(parent, tag: str, amount: Decimal):
    return _el(parent, tag, f"{amount:.2f}", currencyID="SEK")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _address(parent, text: str, *, city: str = "", postal_zone: str = ""):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    street, rest = (lines[0] if lines else ""), lines[1:]
    for line in rest:
        match = re.match(r"^(\d{3}\s?\d{2})\s+(.+)$", line)
        if match:
            postal_zone, city = match.group(1).replace(" ", ""), match.group(2)
    address = _el(parent, "cac:PostalAddress")
    if street:
        _el(address, "cbc:StreetName", street)
    if city:
        _el(address, "cbc:CityName", city)
    if postal_zone:
        _el(address, "cbc:PostalZone", postal_zone)
    country = _el(address, "cac:Country")
    _el(country, "cbc:IdentificationCode", "SE")


def _party(
    parent,
    tag: str,
    *,
    name: str,
    org_number: str,
    peppol_id: str,
    address: str,
    city: str = "",
    postal_zone: str = "",
    contact: str = "",
    phone: str = "",
):
    wrapper = _el(parent, tag)
    party = _el(wrapper, "cac:Party")
    scheme, value = buyer_endpoint(peppol_id, org_number)
    _el(party, "cbc:EndpointID", value, schemeID=scheme)
    party_name = _el(party, "cac:PartyName")
    _el(party_name, "cbc:Name", name)
    _address(party, address, city=city, postal_zone=postal_zone)
    legal = _el(party, "cac:PartyLegalEntity")
    _el(legal, "cbc:RegistrationName", name)
    if org_number:
        _el(legal, "cbc:CompanyID", _digits(org_number), schemeID="0007")
    if contact or phone:
        contact_el = _el(party, "cac:Contact")
        if phone:
            _el(contact_el, "cbc:Telephone", phone)
        if contact:
            _el(contact_el, "cbc:ElectronicMail", contact)


def invoice_xml(invoice: Invoice) -> bytes:
    credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    root_ns = NS["cn"] if credit else NS["inv"]
    root = etree.Element(
        f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}",
        nsmap={None: root_ns, "cac": NS["cac"], "cbc": NS["cbc"]},
    )
    _el(root, "cbc:CustomizationID", CUSTOMIZATION)
    _el(root, "cbc:ProfileID", PROFILE)
    _el(root, "cbc:ID", invoice.number)
    _el(root, "cbc:IssueDate", invoice.issue_date.isoformat())
    if not credit:
        _el(root, "cbc:DueDate", invoice.due_date.isoformat())
    _el(
        root,
        "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode",
        "381" if credit else "380",
    )
    _el(root, "cbc:DocumentCurrencyCode", "SEK")
    _el(root, "cbc:BuyerReference", invoice.buyer_reference or invoice.number)
    if credit and invoice.credited_invoice_id:
        billing = _el(root, "cac:BillingReference")
        reference = _el(billing, "cac:InvoiceDocumentReference")
        _el(reference, "cbc:ID", invoice.credited_invoice.number)
        _el(reference, "cbc:IssueDate", invoice.credited_invoice.issue_date.isoformat())
    seller = invoice.seller
    _party(
        root,
        "cac:AccountingSupplierParty",
        name=seller["name"],
        org_number=seller["org_number"],
        peppol_id="",
        address=seller["address"],
        city=seller.get("city", ""),
        postal_zone=seller.get("postal_code", ""),
        contact=seller.get("email", ""),
        phone=seller.get("phone", ""),
    )
    _party(
        root,
        "cac:AccountingCustomerParty",
        name=invoice.buyer_name,
        org_number=invoice.buyer_org_number,
        peppol_id=invoice.buyer_peppol_id,
        address=invoice.buyer_address,
    )
    means = _el(root, "cac:PaymentMeans")
    _el(means, "cbc:PaymentMeansCode", "30")
    if credit:
        _el(means, "cbc:PaymentDueDate", invoice.due_date.isoformat())
    if invoice.ocr:
        _el(means, "cbc:PaymentID", invoice.ocr)
    account = _el(means, "cac:PayeeFinancialAccount")
    _el(account, "cbc:ID", _digits(seller["bankgiro"]))
    branch = _el(account, "cac:FinancialInstitutionBranch")
    _el(branch, "cbc:ID", "SE:BANKGIRO")
    terms = _el(root, "cac:PaymentTerms")
    _el(terms, "cbc:Note", f"Betalas senast {invoice.due_date.isoformat()}")
    code, reason = VAT_EXEMPTION.get(invoice.vat_category, VAT_EXEMPTION["O"])
    tax = _el(root, "cac:TaxTotal")
    _money(tax, "cbc:TaxAmount", Decimal("0"))
    subtotal = _el(tax, "cac:TaxSubtotal")
    _money(subtotal, "cbc:TaxableAmount", invoice.total)
    _money(subtotal, "cbc:TaxAmount", Decimal("0"))
    category = _el(subtotal, "cac:TaxCategory")
    _el(category, "cbc:ID", invoice.vat_category)
    _el(category, "cbc:TaxExemptionReasonCode", code)
    _el(category, "cbc:TaxExemptionReason", reason)
    scheme = _el(category, "cac:TaxScheme")
    _el(scheme, "cbc:ID", "VAT")
    totals = _el(root, "cac:LegalMonetaryTotal")
    for tag in ("LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "PayableAmount"):
        _money(totals, f"cbc:{tag}", invoice.total)
    for line in invoice.lines.all():
        line_el = _el(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
        _el(line_el, "cbc:ID", line.position)
        _el(
            line_el,
            "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
            "1",
            unitCode="C62",
        )
        _money(line_el, "cbc:LineExtensionAmount", line.amount)
        item = _el(line_el, "cac:Item")
        if line.basis:
            _el(item, "cbc:Description", line.basis)
        _el(item, "cbc:Name", line.description[:100])
        classified = _el(item, "cac:ClassifiedTaxCategory")
        _el(classified, "cbc:ID", invoice.vat_category)
        item_scheme = _el(classified, "cac:TaxScheme")
        _el(item_scheme, "cbc:ID", "VAT")
        price = _el(line_el, "cac:Price")
        _money(price, "cbc:PriceAmount", line.amount)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    if settings.PEPPOL_VALIDATE_RENDERED:
        assert_valid(xml)
    return xml
