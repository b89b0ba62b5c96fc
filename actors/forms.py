from django import forms
from django.core.exceptions import ValidationError
from django.db.models import URLField
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.models import AuditEvent

from .models import (
    Actor,
    ActorFunction,
    Assignment,
    Function,
    IdentityProvider,
    MunicipalCluster,
    Person,
)
from .validators import normalize_org_number, normalize_peppol_id


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Actor.Kind.choices]
    )
    cluster = forms.ModelChoiceField(
        label=_("Municipal cluster"),
        required=False,
        queryset=MunicipalCluster.objects.all(),
        empty_label=_("All clusters"),
    )


class ActorForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Actor
        fields = [
            "name",
            "short_name",
            "kind",
            "org_number",
            "municipality_code",
            "cluster",
            "rescue_service",
            "membership_type",
            "member_since",
            "member_until",
            "invoice_address",
            "invoice_email",
            "peppol_id",
            "invoice_reference",
            "invoice_delivery",
            "paid_internally",
            "phone",
            "email",
            "website",
            "alert_label",
            "alert_email",
            "alert_phone",
        ]
        widgets = {
            "member_since": DateInput(),
            "member_until": DateInput(),
            "invoice_address": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_org_number(self) -> str:
        value = self.cleaned_data["org_number"].strip()
        return normalize_org_number(value) if value else ""

    def clean_peppol_id(self) -> str:
        # Left empty when only the organisation number is known: the e-invoice then addresses
        # the buyer as 0007 and the organisation number.
        value = self.cleaned_data["peppol_id"].strip()
        return normalize_peppol_id(value) if value else ""

    def clean_alert_phone(self) -> str:
        # One space between groups, like the numbers people type and the registry shows.
        return " ".join(self.cleaned_data["alert_phone"].split())

    def clean_alert_email(self) -> str:
        return self.cleaned_data["alert_email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and kind != Actor.Kind.MUNICIPALITY:
            if cleaned.get("municipality_code"):
                self.add_error(
                    "municipality_code", _("Only municipalities have a municipality code.")
                )
            if cleaned.get("cluster"):
                self.add_error("cluster", _("Only municipalities belong to a cluster."))
        if kind == Actor.Kind.MUNICIPALITY and not cleaned.get("municipality_code"):
            self.add_error("municipality_code", _("A municipality needs its municipality code."))
        since, until = cleaned.get("member_since"), cleaned.get("member_until")
        if since and until and until < since:
            self.add_error("member_until", _("Membership cannot end before it starts."))
        return cleaned


class FunctionForm(forms.ModelForm):
    class Meta:
        model = Function
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ActorFunctionForm(forms.ModelForm):
    class Meta:
        model = ActorFunction
        fields = ["function", "mandate", "contact_phone", "contact_email"]
        widgets = {"mandate": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, actor: Actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if self.instance.pk:
            self.fields["function"].disabled = True

    def clean_function(self) -> Function:
        function = self.cleaned_data["function"]
        others = ActorFunction.objects.filter(actor=self.actor, function=function)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(
                _("%(actor)s already has the function %(function)s.")
                % {"actor": self.actor, "function": function}
            )
        return function


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["first_name", "last_name", "title", "actor", "email", "mobile", "user"]


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["actor_function", "person", "role", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor_function"].queryset = ActorFunction.objects.select_related(
            "actor", "function"
        )
        self.fields["person"].queryset = Person.objects.select_related("actor")

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The assignment cannot end before it starts."))
        return cleaned


class AssignmentEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())


class PopulationImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Either SCB's table “Folkmängd efter region och år” saved as CSV from "
            "Statistikdatabasen (region and year columns), or the columns "
            "municipality_code,reference_date,inhabitants and optionally source "
            "(e.g. 0126,2025-12-31,115000,SCB). UTF-8 or Windows-1252."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file, import nothing"), required=False, initial=True
    )

    max_size = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_size:
            raise ValidationError(_("The file is larger than 2 MB."))
        from .services import population_file_text

        try:
            return population_file_text(upload.read())
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class AuditSearchForm(forms.Form):
    """Filters of the audit search; every field is optional."""

    person = forms.CharField(label=_("Person"), required=False, max_length=100)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    kind = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("All events")), *AuditEvent.Kind.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("events", _("Audit events")), ("changes", _("Changes to objects"))],
        widget=forms.RadioSelect,
        initial="events",
    )

    EVENTS, CHANGES = "events", "changes"

    def __init__(self, *args, object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("All types")), *object_types]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        if data.get("show") == self.CHANGES and not data.get("object_type"):
            self.add_error("object_type", _("Choose an object type to see its changes."))
        return data


def _https_by_default(field, **kwargs):
    if isinstance(field, URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class IdentityProviderForm(forms.ModelForm):
    """An actor's OpenID Connect provider. The secret is write-only: left empty on editing, the
    stored one is kept."""

    email_domains = forms.CharField(
        label=_("E-mail domains"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line or comma separated, e.g. huddinge.se. People whose e-mail address is "
            "of these domains log in through this provider."
        ),
    )
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = IdentityProvider
        formfield_callback = _https_by_default
        fields = [
            "actor",
            "name",
            "issuer",
            "client_id",
            "authorization_endpoint",
            "token_endpoint",
            "jwks_uri",
            "mfa_amr_values",
            "mfa_acr_values",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["actor"]
            self.fields["client_secret"].required = False
            self.fields["client_secret"].help_text = _("Leave empty to keep the stored secret.")
            self.initial.setdefault(
                "email_domains",
                "\n".join(self.instance.domains.values_list("domain", flat=True)),
            )
        else:
            self.fields["actor"].queryset = Actor.objects.filter(identity_provider__isnull=True)

    def clean_email_domains(self) -> str:
        from .identity import parse_domains

        return "\n".join(parse_domains(self.cleaned_data["email_domains"]))


class SignupApproveForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
