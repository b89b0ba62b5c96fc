"""Issuing numbered documents: the annual invoice run, credit notes and corrected invoices.

Numbers are gapless, the run makes one invoice per actor and year whatever is run twice or
crashes halfway, and a worker then makes each document's PDF, Peppol XML and e-mail, once.
"""

import datetime
import logging
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history
from stdnum import luhn

from . import seller
from .buyer_checks import check_buyer
from .documents import invoice_documents
from .fees import Preview, fee_preview
from .models import Agreement, Invoice, InvoiceCounter, InvoiceLine

logger = logging.getLogger(__name__)


def ocr_reference(number: str) -> str:
    """Bankgirot OCR: the digits, a length digit (length incl. both check digits, mod 10) and a
    Luhn check digit."""
    digits = "".join(ch for ch in number if ch.isdigit())
    with_length = digits + str((len(digits) + 2) % 10)
    return with_length + luhn.calc_check_digit(with_length)


def seller_warnings() -> list[str]:
    """What the invoicing settings page must fill in before anything is issued."""
    details = seller.seller_details()
    messages = {
        "org_number": _(
            "The seller's organisation number is not set: enter it on the invoicing settings page."
        ),
        "bankgiro": _("The seller's bankgiro is not set: enter it on the invoicing settings page."),
    }
    return [message for key, message in messages.items() if not details.get(key)]


def vat_category(actor, categories: dict[str, str] | None = None) -> str:
    """The actor's VAT category; ``categories`` (``seller.vat_categories()``, read once for a
    whole run) saves a query per actor."""
    return (seller.vat_categories() if categories is None else categories).get(actor.kind, "O")


def issue_check(year: int) -> Preview:
    preview = fee_preview(year)
    preview.warnings = seller_warnings() + preview.warnings
    categories = seller.vat_categories()
    agreements = latest_agreements([row.actor for row in preview.rows])
    for row in preview.rows:
        check_buyer(row, buyer_reference(row.actor, agreements.get(row.actor.pk)))
        if row.actor.paid_internally:
            row.notices.append(
                _("pays by internal transfer: the fee is booked, not invoiced (series I)")
            )
        category = vat_category(row.actor, categories)
        if category not in seller.SUPPORTED_VAT_CATEGORIES:
            row.warnings.append(
                _("VAT category %(category)s is not supported; only O (outside the scope of VAT).")
                % {"category": category}
            )
    return preview


def _lock_series(series: str, year: int) -> InvoiceCounter:
    """The series' counter row, locked until the transaction ends."""
    InvoiceCounter.objects.get_or_create(series=series, year=year)
    return InvoiceCounter.objects.select_for_update().get(series=series, year=year)


SERIES_PREFIX = {"invoice": "", "credit_note": "K", "internal": "I"}


def _next_numbers(series: str, year: int, count: int) -> list[str]:
    """``count`` consecutive numbers; the counter row stays locked until the transaction ends,
    so the numbers are gapless whatever else runs."""
    counter = _lock_series(series, year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    prefix = SERIES_PREFIX[series]
    return [f"{prefix}{year}{number:05d}" for number in range(first, first + count)]


def _next_number(series: str, year: int) -> str:
    return _next_numbers(series, year, 1)[0]


def latest_agreements(actors) -> dict[int, Agreement]:
    """Each actor's most recently signed agreement, by actor id (one query)."""
    agreements: dict[int, Agreement] = {}
    for agreement in Agreement.objects.filter(actor__in=actors).order_by("actor_id", "-signed_on"):
        agreements.setdefault(agreement.actor_id, agreement)
    return agreements


def buyer_reference(actor, agreement: Agreement | None) -> str:
    """The buyer's own reference code (Peppol BuyerReference): the actor's invoice reference,
    else the one an older agreement recorded. Never the actor's name."""
    return actor.invoice_reference or (agreement.buyer_reference if agreement else "")


def delivery_for(actor) -> str:
    """How the actor's document is sent: nothing for an actor that pays internally."""
    if actor.paid_internally:
        return Invoice.Delivery.NONE
    if actor.invoice_delivery == actor.InvoiceDelivery.PEPPOL:
        return Invoice.Delivery.PEPPOL
    return Invoice.Delivery.EMAIL


@transaction.atomic(durable=True)
def invoice_run_issue(*, year: int, issue_date: datetime.date | None = None) -> tuple[int, int]:
    """Issue the year's invoices; returns (created, already issued). Refused while the preview
    has warnings. Safe to run again: it creates only what is missing. In bulk: a constant number
    of queries for any number of actors. An actor that pays internally gets an internal
    settlement (its own series, booked, never sent) instead of an invoice."""
    # One run at a time: a second run (a second click, a second secretary) waits here for the
    # first to commit and then finds its invoices issued.
    _lock_series("invoice", year)
    # The basis and description are printed on the invoice: in the portal's language (Swedish),
    # whatever language the secretary's browser asks for.
    with translation.override(settings.LANGUAGE_CODE):
        preview = issue_check(year)
        description = _("Membership fee %(year)s, Samverkan Stockholmsregionen") % {"year": year}
    if preview.all_warnings:
        raise ValidationError(preview.all_warnings)
    issue_date = issue_date or timezone.localdate()
    issued = set(Invoice.objects.filter(run_year=year).values_list("actor_id", flat=True))
    rows = [row for row in preview.rows if row.actor.pk not in issued]
    agreements = latest_agreements([row.actor for row in rows])
    internal_rows = [row for row in rows if row.actor.paid_internally]
    invoice_rows = [row for row in rows if not row.actor.paid_internally]
    numbers = {
        "invoice": iter(_next_numbers("invoice", year, len(invoice_rows)) if invoice_rows else []),
        "internal": iter(
            _next_numbers("internal", year, len(internal_rows)) if internal_rows else []
        ),
    }
    details = seller.seller_details()
    due = issue_date + datetime.timedelta(days=seller.due_days())
    categories = seller.vat_categories()
    invoices = []
    for row in rows:
        actor = row.actor
        agreement = agreements.get(actor.pk)
        internal = actor.paid_internally
        number = next(numbers["internal" if internal else "invoice"])
        invoices.append(
            Invoice(
                kind=Invoice.Kind.INTERNAL if internal else Invoice.Kind.INVOICE,
                number=number,
                year=year,
                run_year=year,
                actor=actor,
                issue_date=issue_date,
                due_date=due,
                buyer_name=actor.name,
                buyer_address=actor.invoice_address,
                buyer_org_number=actor.org_number,
                buyer_reference=buyer_reference(actor, agreement),
                buyer_email=actor.invoice_email,
                buyer_peppol_id=actor.peppol_id,
                delivery=delivery_for(actor),
                seller=details,
                vat_category=vat_category(actor, categories),
                total=row.amount,
                ocr="" if internal else ocr_reference(number),
            )
        )
    invoices = bulk_create_with_history(invoices, Invoice, batch_size=500)
    bulk_create_with_history(
        [
            InvoiceLine(
                invoice=invoice, description=description, basis=row.basis, amount=row.amount
            )
            for invoice, row in zip(invoices, rows, strict=True)
        ],
        InvoiceLine,
        batch_size=500,
    )
    ids = list(
        Invoice.objects.filter(run_year=year)
        .exclude(kind=Invoice.Kind.INTERNAL)
        .values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: _enqueue_documents(ids))
    return len(invoices), len(issued)


def _enqueue_documents(ids: list[int]) -> None:
    """Hand the documents to the workers (after commit). A broker that is down neither fails
    nor holds the caller: the rest is left to the sweep (``sweep_invoice_documents``)."""
    from core.queue import publish

    from .tasks import produce_invoice_documents  # the tasks module imports this one

    for invoice_id in ids:
        if not publish(produce_invoice_documents, invoice_id):
            break  # one failed publish is enough to know: no waiting on each of the others


def _document_from(
    source: Invoice,
    *,
    kind: str,
    total: Decimal,
    due_date: datetime.date,
    description: str,
    basis: str,
    credited: Invoice | None = None,
) -> Invoice:
    """A new numbered invoice or credit note to the same buyer as ``source``, with one line."""
    series = "credit_note" if kind == Invoice.Kind.CREDIT_NOTE else "invoice"
    number = _next_number(series, source.year)
    document = Invoice.objects.create(
        kind=kind,
        number=number,
        year=source.year,
        actor=source.actor,
        credited_invoice=credited,
        issue_date=timezone.localdate(),
        due_date=due_date,
        buyer_name=source.buyer_name,
        buyer_address=source.buyer_address,
        buyer_org_number=source.buyer_org_number,
        buyer_reference=source.buyer_reference,
        buyer_email=source.buyer_email,
        buyer_peppol_id=source.buyer_peppol_id,
        delivery=source.delivery,
        # A credit note mirrors the invoice it credits; a corrected invoice is a new invoice and
        # carries today's invoicing settings (the bankgiro to pay to).
        seller=source.seller if kind == Invoice.Kind.CREDIT_NOTE else seller.seller_details(),
        vat_category=source.vat_category,
        total=total,
        ocr=ocr_reference(number),
    )
    InvoiceLine.objects.create(invoice=document, description=description, basis=basis, amount=total)
    return document


@transaction.atomic(durable=True)
def credit_note_issue(*, invoice: Invoice, reason: str, amount: Decimal | None = None) -> Invoice:
    """Credit an issued invoice fully or partly; the invoice itself is never changed. Its PDF,
    XML and e-mail are made by the worker, as for invoices."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind != Invoice.Kind.INVOICE:
        raise ValidationError(_("Only an invoice can be credited."))
    credited = invoice.credit_notes.aggregate(s=Sum("total"))["s"] or Decimal("0")
    remaining = invoice.total - credited
    amount = remaining if amount is None else amount
    if amount <= 0 or amount > remaining:
        raise ValidationError(
            _("A credit note must be more than 0 and at most %(remaining)s SEK.")
            % {"remaining": f"{remaining:.2f}"}
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for the credit note."))
    note = _document_from(
        invoice,
        kind=Invoice.Kind.CREDIT_NOTE,
        total=amount,
        due_date=timezone.localdate(),
        description=_("Credit of invoice %(number)s") % {"number": invoice.number},
        basis=reason.strip(),
        credited=invoice,
    )
    transaction.on_commit(lambda: _enqueue_documents([note.pk]))
    return note


@transaction.atomic(durable=True)
def corrected_invoice_issue(*, credited: Invoice, amount: Decimal, basis: str) -> Invoice:
    """After a credit note: a new invoice for the same actor and year with the right amount."""
    if credited.kind != Invoice.Kind.INVOICE or not credited.credit_notes.exists():
        raise ValidationError(_("Credit the invoice first; then issue the corrected one."))
    if amount <= 0 or not basis.strip():
        raise ValidationError(_("Give the corrected amount and its basis."))
    invoice = _document_from(
        credited,
        kind=Invoice.Kind.INVOICE,
        total=amount,
        due_date=timezone.localdate() + datetime.timedelta(days=seller.due_days()),
        description=_("Membership fee %(year)s, corrected (replaces %(number)s)")
        % {"year": credited.year, "number": credited.number},
        basis=basis.strip(),
    )
    transaction.on_commit(lambda: _enqueue_documents([invoice.pk]))
    return invoice


def invoice_files_export(*, year: int, directory: Path) -> tuple[int, list[str]]:
    """Write <number>.pdf and <number>.xml for every invoice and credit note of the year, making
    any document still missing or gone from storage (each invoice in its own transaction, as the
    worker does; same number, same content). Returns the files written and the numbers whose
    documents could not be made now (the others are written all the same)."""
    directory.mkdir(parents=True, exist_ok=True)
    written, failed = 0, []
    for invoice in (
        Invoice.objects.filter(year=year).exclude(kind=Invoice.Kind.INTERNAL).order_by("number")
    ):
        try:
            invoice = invoice_documents(invoice.pk)
            contents = {}
            for field_name in ("pdf", "xml"):
                with getattr(invoice, field_name).open("rb") as source:
                    contents[field_name] = source.read()
        except Exception:
            logger.exception("Could not export the documents of invoice %s.", invoice.number)
            failed.append(invoice.number)
            continue
        for field_name, content in contents.items():
            (directory / f"{invoice.number}.{field_name}").write_bytes(content)
            written += 1
    return written, failed
