"""Membership pages: the secretariat's fee schedules, agreements, invoice run, invoices,
payments, reimbursements and exports; an actor's invoice contact sees that actor's invoices."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actors.access import is_secretariat, secretariat_required
from actors.audit import audited
from actors.files import check_upload
from actors.forms import DateInput
from actors.models import Actor, AuditEvent
from actors.pages import apply_errors, form_page
from core.csv_export import csv_response
from core.params import year_param

from . import accounting
from .fees import ORE, sek
from .invoicing import corrected_invoice_issue, invoice_run_issue, issue_check, run_progress
from .models import Agreement, FeeSchedule, Invoice, Reimbursement


class FeeScheduleForm(forms.ModelForm):
    class Meta:
        model = FeeSchedule
        fields = [
            "year",
            "model",
            "rate_per_inhabitant",
            "standard_fee",
            "double_fee",
            "double_fee_actors",
            "cost_budget",
            "decision_reference",
            "approved_on",
            "approved_by_body",
        ]
        widgets = {"approved_on": DateInput(), "double_fee_actors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["double_fee_actors"].queryset = Actor.objects.exclude(
            kind=Actor.Kind.MUNICIPALITY
        )


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "actor",
            "signed_on",
            "signatory_name",
            "signatory_title",
            "document",
            "termination_notified_on",
            "invoice_contact",
            "buyer_reference",
            "notes",
        ]
        widgets = {"signed_on": DateInput(), "termination_notified_on": DateInput()}

    # A signed agreement is a scan or a signed PDF.
    DOCUMENT_TYPES = {"application/pdf", "image/png", "image/jpeg"}

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if isinstance(document, UploadedFile):
            checked = check_upload(document)
            if checked.content_type not in self.DOCUMENT_TYPES:
                raise ValidationError(_("The signed agreement must be a PDF, PNG or JPEG file."))
            document.name = checked.filename
        return document


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (SEK)"), min_value=Decimal("0.01"), decimal_places=2
    )
    paid_on = forms.DateField(label=gettext_lazy("Paid on"), widget=DateInput())
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)


class CreditForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount to credit (SEK)"),
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        help_text=gettext_lazy("Leave empty to credit what remains."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


class CorrectedInvoiceForm(forms.Form):
    corrected_amount = forms.DecimalField(
        label=gettext_lazy("Corrected amount (SEK)"), min_value=Decimal("0.01"), decimal_places=2
    )
    corrected_basis = forms.CharField(label=gettext_lazy("Basis"), max_length=500)


class BgMaxForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("BgMax file from Bankgirot"))


class ReimbursementForm(forms.ModelForm):
    class Meta:
        model = Reimbursement
        fields = ["actor", "year", "amount", "hours", "description"]


def _file_response(field, filename: str, content_type: str) -> FileResponse:
    if not field:
        raise Http404
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )


def _contact_actor_ids(user) -> set[int]:
    return set(
        Agreement.objects.filter(invoice_contact__user=user).values_list("actor_id", flat=True)
    )


# --- Overview, schedules, agreements --------------------------------------------------------


@secretariat_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    return render(
        request,
        "membership/overview.html",
        {
            "schedules": FeeSchedule.objects.all(),
            "agreements": Agreement.objects.select_related("actor").order_by("actor__name"),
            "year": year,
            "years": sorted({*Invoice.objects.values_list("year", flat=True), year}, reverse=True),
        },
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(FeeSchedule, pk=pk) if pk else None
    if instance is None and request.method == "GET":
        defaults = FeeSchedule(year=timezone.localdate().year)
        form = FeeScheduleForm(
            instance=defaults,
            initial={
                "double_fee_actors": Actor.objects.filter(
                    name__in=["Trafikverket", "Region Stockholm", "Länsstyrelsen i Stockholms län"]
                )
            },
        )
    else:
        form = FeeScheduleForm(request.POST or None, instance=instance)

    def save(data: dict[str, Any]) -> str:
        form.save()
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
    instance = get_object_or_404(Agreement, pk=pk) if pk else None
    initial = {"actor": request.GET.get("actor")} if request.GET.get("actor") else None
    form = AgreementForm(
        request.POST or None, request.FILES or None, instance=instance, initial=initial
    )

    def save(data: dict[str, Any]) -> str:
        agreement = form.save()
        return agreement.actor.get_absolute_url()

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
    if not (is_secretariat(request.user) or agreement.actor_id in _contact_actor_ids(request.user)):
        raise PermissionDenied
    name = agreement.document.name.rsplit("/", 1)[-1] if agreement.document else ""
    return _file_response(agreement.document, name, "application/octet-stream")


# --- The invoice run ------------------------------------------------------------------------


@secretariat_required
@require_http_methods(["GET", "POST"])
def invoice_run(request: HttpRequest, year: int) -> HttpResponse:
    preview = issue_check(year)
    errors: list[str] = []
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            errors.append(_("Tick the box to confirm that the invoices should be issued."))
        else:
            try:
                created, existing = invoice_run_issue(year=year)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(
                    request,
                    _(
                        "%(created)s invoices were issued (%(existing)s already were). "
                        "PDFs and e-mails are being produced."
                    )
                    % {"created": created, "existing": existing},
                )
                return redirect("membership:invoice_run", year=year)
    done, total = run_progress(year)
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
            "done": done,
            "issued": total,
            "percent": int(100 * done / total) if total else 0,
        },
        status=400 if errors else 200,
    )


@secretariat_required
@require_GET
def invoice_run_progress(request: HttpRequest, year: int) -> HttpResponse:
    done, total = run_progress(year)
    return render(
        request,
        "membership/_progress.html",
        {
            "year": year,
            "done": done,
            "issued": total,
            "percent": int(100 * done / total) if total else 0,
        },
    )


# --- Invoices -------------------------------------------------------------------------------


def _invoice_for(request: HttpRequest, pk: int) -> Invoice:
    invoice = get_object_or_404(Invoice.objects.select_related("actor", "credited_invoice"), pk=pk)
    if not (is_secretariat(request.user) or invoice.actor_id in _contact_actor_ids(request.user)):
        raise Http404
    return invoice


@secretariat_required
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    year = year_param(request.GET.get("year"))  # no year, or not one: every year
    invoices = accounting.with_outstanding(Invoice.objects.select_related("actor"))
    if year:
        invoices = invoices.filter(year=year)
    page = Paginator(invoices.order_by("-year", "number"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "membership/invoice_list.html",
        {"page": page, "year": year or "", "query": f"year={year}" if year else ""},
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
    if request.method == "POST":
        if not secretariat:
            raise PermissionDenied
        try:
            if payment_form.is_bound and payment_form.is_valid():
                accounting.payment_register(
                    invoice=invoice, reference=invoice.ocr, **payment_form.cleaned_data
                )
                messages.success(request, _("The payment was registered."))
                return redirect("membership:invoice_detail", pk=invoice.pk)
            if corrected_form.is_bound and corrected_form.is_valid():
                corrected = corrected_invoice_issue(
                    credited=invoice,
                    amount=corrected_form.cleaned_data["corrected_amount"],
                    basis=corrected_form.cleaned_data["corrected_basis"],
                )
                messages.success(
                    request, _("Invoice %(number)s was issued.") % {"number": corrected.number}
                )
                return redirect("membership:invoice_detail", pk=corrected.pk)
            if credit_form.is_bound and credit_form.is_valid():
                note = accounting.credit_note_issue(invoice=invoice, **credit_form.cleaned_data)
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
            "outstanding": sek(accounting.outstanding(invoice))
            if invoice.kind == "invoice"
            else None,
            "payments": list(invoice.payments.all()),
            "credit_notes": list(invoice.credit_notes.all()),
            "payment_form": payment_form,
            "credit_form": credit_form,
            "corrected_form": corrected_form,
            "secretariat": secretariat,
        },
        status=400 if (payment_form.errors or credit_form.errors or corrected_form.errors) else 200,
    )


@audited(AuditEvent.Kind.DOWNLOAD, model=Invoice)
@require_GET
def invoice_pdf(request: HttpRequest, pk: int) -> FileResponse:
    invoice = _invoice_for(request, pk)
    return _file_response(invoice.pdf, f"{invoice.number}.pdf", "application/pdf")


@audited(AuditEvent.Kind.DOWNLOAD, model=Invoice)
@require_GET
def invoice_xml(request: HttpRequest, pk: int) -> FileResponse:
    invoice = _invoice_for(request, pk)
    return _file_response(invoice.xml, f"{invoice.number}.xml", "application/xml")


@require_GET
def my_invoices(request: HttpRequest) -> HttpResponse:
    """An actor's invoice contact: the actor's agreement and invoices."""
    actor_ids = _contact_actor_ids(request.user)
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
        try:
            content = upload.read().decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
            content = ""
        result = accounting.bgmax_import(content=content, filename=upload.name)
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
    response = HttpResponse(
        accounting.sie_export(year=year), content_type="text/plain; charset=cp437"
    )
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
    invoices = accounting.with_outstanding(Invoice.objects.filter(year=year))
    for invoice in invoices.select_related("actor").order_by("number"):
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
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The claim was registered."))
        return redirect("membership:reimbursements")
    return render(
        request,
        "membership/reimbursements.html",
        {"form": form, "claims": Reimbursement.objects.select_related("actor")},
        status=400 if form.errors else 200,
    )


@secretariat_required
@require_POST
def reimbursement_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Reimbursement, pk=pk)
    try:
        accounting.reimbursement_decide(reimbursement=claim, status=request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("membership:reimbursements")


@secretariat_required
@require_GET
def statement(request: HttpRequest, year: int) -> HttpResponse:
    data = accounting.yearly_statement(year)
    return render(
        request,
        "membership/statement.html",
        {"year": year, "rows": [(key, sek(value)) for key, value in data.items() if key != "year"]},
    )
