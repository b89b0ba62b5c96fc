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
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history
from stdnum import luhn

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
    missing = [
        label
        for key, label in (("org_number", "SELLER_ORG_NUMBER"), ("bankgiro", "SELLER_BANKGIRO"))
        if not settings.SELLER.get(key)
    ]
    return [_("The seller's %(setting)s is not configured.") % {"setting": m} for m in missing]


SUPPORTED_VAT_CATEGORIES = {"O"}


def vat_category(actor) -> str:
    return settings.VAT_CATEGORIES.get(actor.kind, "O")


def issue_check(year: int) -> Preview:
    preview = fee_preview(year)
    preview.warnings = seller_warnings() + preview.warnings
    for row in preview.rows:
        category = vat_category(row.actor)
        if category not in SUPPORTED_VAT_CATEGORIES:
            row.warnings.append(
                _("VAT category %(category)s is not supported; only O (outside the scope of VAT).")
                % {"category": category}
            )
    return preview


def _lock_series(series: str, year: int) -> InvoiceCounter:
    """The series' counter row, locked until the transaction ends."""
    InvoiceCounter.objects.get_or_create(series=series, year=year)
    return InvoiceCounter.objects.select_for_update().get(series=series, year=year)


def _next_numbers(series: str, year: int, count: int) -> list[str]:
    """``count`` consecutive numbers; the counter row stays locked until the transaction ends,
    so the numbers are gapless whatever else runs."""
    counter = _lock_series(series, year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    prefix = "K" if series == "credit_note" else ""
    return [f"{prefix}{year}{number:05d}" for number in range(first, first + count)]


def _next_number(series: str, year: int) -> str:
    return _next_numbers(series, year, 1)[0]


@transaction.atomic(durable=True)
def invoice_run_issue(*, year: int, issue_date: datetime.date | None = None) -> tuple[int, int]:
    """Issue the year's invoices; returns (created, already issued). Refused while the preview
    has warnings. Safe to run again: it creates only what is missing. In bulk: a constant number
    of queries for any number of actors."""
    # One run at a time: a second run (a second click, a second secretary) waits here for the
    # first to commit and then finds its invoices issued.
    _lock_series("invoice", year)
    preview = issue_check(year)
    if preview.all_warnings:
        raise ValidationError(preview.all_warnings)
    issue_date = issue_date or timezone.localdate()
    issued = set(Invoice.objects.filter(run_year=year).values_list("actor_id", flat=True))
    rows = [row for row in preview.rows if row.actor.pk not in issued]
    agreements: dict[int, Agreement] = {}
    for agreement in Agreement.objects.filter(actor__in=[row.actor for row in rows]).order_by(
        "actor_id", "-signed_on"
    ):
        agreements.setdefault(agreement.actor_id, agreement)
    numbers = _next_numbers("invoice", year, len(rows)) if rows else []
    invoices = []
    for row, number in zip(rows, numbers, strict=True):
        actor = row.actor
        agreement = agreements.get(actor.pk)
        invoices.append(
            Invoice(
                number=number,
                year=year,
                run_year=year,
                actor=actor,
                issue_date=issue_date,
                due_date=issue_date + datetime.timedelta(days=settings.INVOICE_DUE_DAYS),
                buyer_name=actor.name,
                buyer_address=actor.invoice_address,
                buyer_org_number=actor.org_number,
                buyer_reference=(agreement.buyer_reference if agreement else "") or actor.name,
                buyer_email=actor.invoice_email,
                buyer_peppol_id=actor.peppol_id,
                seller=dict(settings.SELLER),
                vat_category=vat_category(actor),
                total=row.amount,
                ocr=ocr_reference(number),
            )
        )
    invoices = bulk_create_with_history(invoices, Invoice, batch_size=500)
    description = _("Membership fee %(year)s, Samverkan Stockholmsregionen") % {"year": year}
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
    ids = list(Invoice.objects.filter(run_year=year).values_list("pk", flat=True))
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
        seller=source.seller,
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
        due_date=timezone.localdate() + datetime.timedelta(days=settings.INVOICE_DUE_DAYS),
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
    for invoice in Invoice.objects.filter(year=year).order_by("number"):
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
