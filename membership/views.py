"""Membership pages: the secretariat's fee schedules, agreements, invoice run, invoices,
payments, reimbursements and exports; an actor's invoice contact sees that actor's invoices."""

import logging
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import idempotency
from core.access import is_secretariat, secretariat_required
from core.audit import audited
from core.csv_export import csv_response
from core.models import AuditEvent
from core.pages import apply_errors, form_page

from . import documents, invoicing, ledger, selectors, services
from .fees import ORE, sek
from .formats import sie
from .forms import (
    AgreementForm,
    BgMaxForm,
    CorrectedInvoiceForm,
    CreditForm,
    FeeScheduleForm,
    PaymentForm,
    ReimbursementForm,
)
from .invoice_filters import InvoiceFilterForm, filtered_invoices, invoice_totals
from .models import Agreement, FeeSchedule, Invoice, Reimbursement

logger = logging.getLogger(__name__)


def _file_response(field, filename: str, content_type: str) -> FileResponse:
    if not field:
        raise Http404
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )


def _progress(year: int) -> dict[str, Any]:
    done, total = selectors.run_progress(year)
    return {"done": done, "issued": total, "percent": int(100 * done / total) if total else 0}


# --- Overview, schedules, agreements --------------------------------------------------------


@secretariat_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "membership/overview.html",
        {
            "schedules": FeeSchedule.objects.all(),
            "agreements": Agreement.objects.select_related("actor").order_by("actor__name"),
            "year": timezone.localdate().year,
            "years": selectors.invoice_years(),
            "fiscal_years": ledger.fiscal_years(),
        },
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    schedule = get_object_or_404(FeeSchedule, pk=pk) if pk else None
    if schedule is None and request.method == "GET":
        form = FeeScheduleForm.for_new_year(timezone.localdate().year)
    else:
        form = FeeScheduleForm(request.POST or None, instance=schedule)

    def save(data: dict[str, Any]) -> str:
        if schedule is None:
            services.fee_schedule_create(**data)
        else:
            services.fee_schedule_update(schedule=schedule, **data)
        return reverse("membership:overview")

    return form_page(
        request,
        form=form,
        title=_("Fee schedule"),
        save=save,
        success_message=_("The fee schedule was saved."),
        cancel_url=reverse("membership:overview"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=pk) if pk else None
    initial = {"actor": request.GET.get("actor")} if request.GET.get("actor") else None
    form = AgreementForm(
        request.POST or None, request.FILES or None, instance=agreement, initial=initial
    )

    def save(data: dict[str, Any]) -> str:
        if agreement is None:
            saved = services.agreement_create(**data)
        else:
            saved = services.agreement_update(agreement=agreement, **data)
        return saved.actor.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("Agreement"),
        save=save,
        multipart=True,
        success_message=_("The agreement was saved."),
        cancel_url=reverse("membership:overview"),
    )


@audited(AuditEvent.Kind.DOWNLOAD, model=Agreement)
@require_GET
def agreement_document(request: HttpRequest, pk: int) -> FileResponse:
    """The signed agreement: for the secretariat and the actor's invoice contact."""
    agreement = get_object_or_404(Agreement, pk=pk)
    if not (
        is_secretariat(request.user)
        or agreement.actor_id in selectors.contact_actor_ids(request.user)
    ):
        raise PermissionDenied
    name = agreement.document.name.rsplit("/", 1)[-1] if agreement.document else ""
    return _file_response(agreement.document, name, "application/octet-stream")


# --- The invoice run ------------------------------------------------------------------------


@secretariat_required
@require_http_methods(["GET", "POST"])
def invoice_run(request: HttpRequest, year: int) -> HttpResponse:
    preview = invoicing.issue_check(year)
    errors: list[str] = []
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            errors.append(_("Tick the box to confirm that the invoices should be issued."))
        else:
            return idempotency.once(request, lambda: _invoice_run_issue(request, year, preview))
    return _invoice_run_page(request, year, preview, errors)


def _invoice_run_issue(request: HttpRequest, year: int, preview) -> HttpResponse:
    try:
        created, existing = invoicing.invoice_run_issue(year=year)
    except ValidationError as exc:
        return _invoice_run_page(request, year, preview, exc.messages)
    messages.success(
        request,
        _(
            "%(created)s invoices were issued (%(existing)s already were). "
            "PDFs and e-mails are being produced."
        )
        % {"created": created, "existing": existing},
    )
    return redirect("membership:invoice_run", year=year)


def _invoice_run_page(request: HttpRequest, year: int, preview, errors: list[str]) -> HttpResponse:
    return render(
        request,
        "membership/invoice_run.html",
        {
            "year": year,
            "preview": preview,
            "rows": [
                (row, sek(row.amount) if row.amount is not None else "–") for row in preview.rows
            ],
            "totals": [
                (kind, count, sek(amount)) for kind, count, amount in preview.totals_by_kind()
            ],
            "total": sek(preview.total),
            "errors": errors,
            "seller_warnings": invoicing.seller_warnings(),
            **_progress(year),
        },
        status=400 if errors else 200,
    )


@secretariat_required
@require_GET
def invoice_run_progress(request: HttpRequest, year: int) -> HttpResponse:
    return render(request, "membership/_progress.html", {"year": year, **_progress(year)})


# --- Invoices -------------------------------------------------------------------------------


def _invoice_for(request: HttpRequest, pk: int) -> Invoice:
    invoice = get_object_or_404(Invoice.objects.select_related("actor", "credited_invoice"), pk=pk)
    if not (
        is_secretariat(request.user)
        or invoice.actor_id in selectors.contact_actor_ids(request.user)
    ):
        raise Http404
    return invoice


@secretariat_required
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    """Every invoice, credit note and internal settlement, filtered by year, status and kind
    (a GET form), with the totals of what the filters select; pages keep the filters."""
    form = InvoiceFilterForm(
        request.GET if request.GET.keys() - {"page"} else None, years=selectors.invoice_years()
    )
    filters = form.filters()
    invoices = filtered_invoices(**filters)
    page = Paginator(invoices.order_by("-year", "number"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "membership/invoice_list.html",
        {
            "form": form,
            "page": page,
            "totals": invoice_totals(invoices),
            "filtered": bool(filters),
            "query": urlencode(filters),
        },
    )


@require_http_methods(["GET", "POST"])
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice_for(request, pk)
    secretariat = is_secretariat(request.user)
    payment_form = PaymentForm(
        request.POST if "paid_on" in request.POST else None,
        initial={"paid_on": timezone.localdate()},
    )
    credit_form = CreditForm(request.POST if "reason" in request.POST else None)
    corrected_form = CorrectedInvoiceForm(
        request.POST if "corrected_amount" in request.POST else None
    )
    if request.method == "POST" and not secretariat:
        raise PermissionDenied

    forms = (payment_form, credit_form, corrected_form)

    def answer() -> HttpResponse:
        if request.method == "POST":
            try:
                if payment_form.is_bound and payment_form.is_valid():
                    services.payment_register(
                        invoice=invoice, reference=invoice.ocr, **payment_form.cleaned_data
                    )
                    messages.success(request, _("The payment was registered."))
                    return redirect("membership:invoice_detail", pk=invoice.pk)
                if corrected_form.is_bound and corrected_form.is_valid():
                    corrected = invoicing.corrected_invoice_issue(
                        credited=invoice,
                        amount=corrected_form.cleaned_data["corrected_amount"],
                        basis=corrected_form.cleaned_data["corrected_basis"],
                    )
                    messages.success(
                        request, _("Invoice %(number)s was issued.") % {"number": corrected.number}
                    )
                    return redirect("membership:invoice_detail", pk=corrected.pk)
                if credit_form.is_bound and credit_form.is_valid():
                    note = invoicing.credit_note_issue(invoice=invoice, **credit_form.cleaned_data)
                    messages.success(
                        request, _("Credit note %(number)s was issued.") % {"number": note.number}
                    )
                    return redirect("membership:invoice_detail", pk=note.pk)
            except ValidationError as exc:
                bound = [f for f in (corrected_form, credit_form, payment_form) if f.is_bound]
                apply_errors(bound[0] if bound else payment_form, exc)
        return render(
            request,
            "membership/invoice_detail.html",
            {
                "invoice": invoice,
                "lines": [(line, sek(line.amount)) for line in invoice.lines.all()],
                "total": sek(invoice.total),
                "outstanding": sek(selectors.outstanding(invoice))
                if invoice.kind == "invoice"
                else None,
                "payments": list(invoice.payments.all()),
                "credit_notes": list(invoice.credit_notes.all()),
                "payment_form": payment_form,
                "credit_form": credit_form,
                "corrected_form": corrected_form,
                "secretariat": secretariat,
            },
            status=400 if any(f.errors for f in forms) else 200,
        )

    # Each form issues, credits or registers something: a repeated submit acts once.
    return idempotency.once(request, answer) if request.method == "POST" else answer()


def _document_response(
    request: HttpRequest, invoice: Invoice, field_name: str, content_type: str
) -> HttpResponse:
    """The invoice's PDF or XML; a file not made yet or gone from storage is made now (same
    number, same content). If that fails too, a page says so and the sweep makes it later."""
    try:
        invoice = documents.invoice_document(invoice, field_name)
        return _file_response(
            getattr(invoice, field_name), f"{invoice.number}.{field_name}", content_type
        )
    except (documents.DocumentUnavailable, FileNotFoundError):
        response = render(
            request, "membership/document_unavailable.html", {"invoice": invoice}, status=503
        )
        response["Retry-After"] = "300"
        return response


@audited(AuditEvent.Kind.DOWNLOAD, model=Invoice)
@require_GET
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice_for(request, pk)
    return _document_response(request, invoice, "pdf", "application/pdf")


@audited(AuditEvent.Kind.DOWNLOAD, model=Invoice)
@require_GET
def invoice_xml(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice_for(request, pk)
    return _document_response(request, invoice, "xml", "application/xml")


@require_GET
def my_invoices(request: HttpRequest) -> HttpResponse:
    """An actor's invoice contact: the actor's agreement and invoices."""
    actor_ids = selectors.contact_actor_ids(request.user)
    invoices = (
        Invoice.objects.filter(actor_id__in=actor_ids)
        .select_related("actor")
        .order_by("-year", "number")
    )
    agreements = Agreement.objects.filter(actor_id__in=actor_ids).select_related("actor")
    return render(
        request, "membership/my_invoices.html", {"invoices": invoices, "agreements": agreements}
    )


# --- Payments, exports, reimbursements ------------------------------------------------------


@secretariat_required
@require_http_methods(["GET", "POST"])
def bgmax_upload(request: HttpRequest) -> HttpResponse:
    form = BgMaxForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.bgmax_import(content=form.content(), filename=upload.name)
    return render(
        request,
        "membership/bgmax.html",
        {"form": form, "result": result},
        status=400 if (form.errors or (result and result.errors)) else 200,
    )


@secretariat_required
@audited(AuditEvent.Kind.EXPORT)
@require_GET
def sie_download(request: HttpRequest, year: int) -> HttpResponse:
    """The SIE file of a fiscal year; if reading it back disagrees with the ledger, a page says
    so instead of handing out a wrong file."""
    try:
        content = sie.export(year=year)
    except sie.SieCheckError as exc:
        logger.error("SIE export of fiscal year %s failed its check: %s", year, exc)
        return render(
            request,
            "membership/sie_error.html",
            {"year": year, "problems": exc.problems},
            status=500,
        )
    response = HttpResponse(content, content_type="text/plain; charset=cp437")
    response["Content-Disposition"] = f'attachment; filename="ssr-{year}.si"'
    return response


@secretariat_required
@audited(AuditEvent.Kind.EXPORT)
@require_GET
def csv_download(request: HttpRequest, year: int) -> HttpResponse:
    response, writer = csv_response(f"fakturor-{year}.csv")
    writer.writerow(
        [
            "number",
            "kind",
            "actor",
            "org_number",
            "issue_date",
            "due_date",
            "total",
            "outstanding",
            "ocr",
        ]
    )
    for invoice in selectors.invoices_with_outstanding(year=year).order_by("number"):
        writer.writerow(
            [
                invoice.number,
                invoice.kind,
                invoice.actor.name,
                invoice.buyer_org_number,
                invoice.issue_date.isoformat(),
                invoice.due_date.isoformat(),
                # Numbers, not text: a negative amount stays a number in the spreadsheet.
                invoice.total.quantize(ORE),
                invoice.outstanding_amount.quantize(ORE) if invoice.kind == "invoice" else "",
                invoice.ocr,
            ]
        )
    return response


@secretariat_required
@require_http_methods(["GET", "POST"])
def reimbursements(request: HttpRequest) -> HttpResponse:
    form = ReimbursementForm(request.POST or None)

    def answer() -> HttpResponse:
        if request.method == "POST" and form.is_valid():
            try:
                services.reimbursement_claim(**form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The claim was registered."))
                return redirect("membership:reimbursements")
        return render(
            request,
            "membership/reimbursements.html",
            {"form": form, "claims": Reimbursement.objects.select_related("actor")},
            status=400 if form.errors else 200,
        )

    return idempotency.once(request, answer) if request.method == "POST" else answer()


@secretariat_required
@require_POST
def reimbursement_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Reimbursement, pk=pk)
    try:
        services.reimbursement_decide(
            reimbursement=claim,
            status=request.POST.get("status", ""),
            above_roster_confirmed=request.POST.get("confirm_above_roster") == "yes",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("membership:reimbursements")


STATEMENT_ROWS = (
    ("invoiced", gettext_lazy("Fees invoiced")),
    ("credited", gettext_lazy("Credited")),
    ("paid", gettext_lazy("Paid")),
    ("outstanding", gettext_lazy("Outstanding")),
    ("reimbursements_approved", gettext_lazy("Reimbursements approved")),
    ("reimbursements_paid", gettext_lazy("Reimbursements paid")),
)


@secretariat_required
@require_GET
def statement(request: HttpRequest, year: int) -> HttpResponse:
    data = selectors.yearly_statement(year)
    rows = [(label, sek(data[key])) for key, label in STATEMENT_ROWS]
    return render(request, "membership/statement.html", {"year": year, "rows": rows})
