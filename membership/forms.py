"""The membership forms: fee schedules, agreements, payments, credit notes, corrected invoices,
BgMax uploads and reimbursement claims."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.models import Actor
from core.files import check_upload
from core.forms import DateInput
from core.params import FIRST_YEAR, LAST_YEAR

from .models import Agreement, FeeSchedule, Reimbursement


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

    # The actors that paid the double fee in the 2024 agreement: the first guess for a new year.
    DOUBLE_FEE_ACTORS = ["Trafikverket", "Region Stockholm", "Länsstyrelsen i Stockholms län"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["double_fee_actors"].queryset = Actor.objects.exclude(
            kind=Actor.Kind.MUNICIPALITY
        )

    @classmethod
    def for_new_year(cls, year: int) -> "FeeScheduleForm":
        """An empty form for a new schedule, with the year and the usual double-fee actors."""
        return cls(
            instance=FeeSchedule(year=year),
            initial={"double_fee_actors": Actor.objects.filter(name__in=cls.DOUBLE_FEE_ACTORS)},
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

    def content(self) -> str:
        """The uploaded file as text (BgMax is Latin-1, which decodes every byte)."""
        return self.cleaned_data["file"].read().decode("latin-1")


class ReimbursementForm(forms.ModelForm):
    class Meta:
        model = Reimbursement
        fields = ["actor", "year", "amount", "hours", "description", "justification"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationError(
                _("Enter a year between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return year

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and hours < 0:
            raise ValidationError(_("The hours cannot be negative."))
        return hours
