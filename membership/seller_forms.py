"""The invoicing settings form: the seller on every invoice, the payment terms and the VAT
category per kind of actor."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Actor
from actors.validators import normalize_org_number

from .models import SellerSettings
from .seller import SUPPORTED_VAT_CATEGORIES
from .validators import normalize_bankgiro, normalize_postal_code

# The EN 16931 VAT category codes, as a person reads them; only the supported ones are offered.
VAT_CATEGORY_LABELS = {
    "O": _("O – outside the scope of VAT"),
    "E": _("E – exempt from VAT"),
    "S": _("S – standard rate"),
    "Z": _("Z – zero rated"),
}
VAT_FIELD_PREFIX = "vat_"

REQUIRED = ("name", "org_number", "bankgiro", "address", "postal_code", "city", "email")


def vat_category_label(code: str) -> str:
    return str(VAT_CATEGORY_LABELS.get(code, code))


class SellerSettingsForm(forms.ModelForm):
    class Meta:
        model = SellerSettings
        fields = [
            "name",
            "org_number",
            "bankgiro",
            "address",
            "postal_code",
            "city",
            "email",
            "phone",
            "reference",
            "due_days",
        ]
        help_texts = {
            "org_number": _("Ten digits, e.g. 202100-0076."),
            "bankgiro": _("Seven or eight digits, e.g. 5050-1055; printed on every invoice."),
            "postal_code": _("Five digits, e.g. 104 22."),
            "reference": _("The seller's contact or reference person printed on the invoice."),
            "due_days": _("Days from the issue date to the payment due date (1–120)."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in REQUIRED:
            self.fields[name].required = True
        choices = [(code, vat_category_label(code)) for code in sorted(SUPPORTED_VAT_CATEGORIES)]
        current = self.instance.vat_categories or {}
        for kind, label in Actor.Kind.choices:
            self.fields[VAT_FIELD_PREFIX + kind] = forms.ChoiceField(
                label=_("VAT category: %(kind)s") % {"kind": label},
                choices=choices,
                initial=current.get(kind, "O"),
            )

    def clean_org_number(self) -> str:
        return normalize_org_number(self.cleaned_data["org_number"])

    def clean_bankgiro(self) -> str:
        return normalize_bankgiro(self.cleaned_data["bankgiro"])

    def clean_postal_code(self) -> str:
        return normalize_postal_code(self.cleaned_data["postal_code"])

    def settings_values(self) -> dict[str, Any]:
        """What ``seller.seller_settings_update`` takes."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["vat_categories"] = {
            kind: self.cleaned_data[VAT_FIELD_PREFIX + kind] for kind in Actor.Kind.values
        }
        return data
