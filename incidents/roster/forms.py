from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, Person
from forums.forms import DateTimeInput

from ..models import OnCallRole


class ShiftForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OnCallRole.choices)
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.select_related("actor")
    )
    lending_actor = forms.ModelChoiceField(label=_("Lending actor"), queryset=Actor.objects.all())
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput())

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The shift must end after it starts."))
        return cleaned


class ShiftChangeForm(forms.Form):
    new_person = forms.ModelChoiceField(
        label=_("Who takes the shift"), queryset=Person.objects.select_related("actor")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class HandoverForm(forms.Form):
    handover_note = forms.CharField(
        label=_("Handover note"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
