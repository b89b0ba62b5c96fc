"""The form that creates a token."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

from .models import MAX_TOKEN_DAYS, Scope


class TokenForm(forms.Form):
    actor = forms.ModelChoiceField(label=_("Actor"), queryset=None)
    name = forms.CharField(
        label=_("Name of the system"),
        max_length=120,
        help_text=_("The system that will use the token, e.g. the municipality's incident log."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(label=_("Expires"), widget=DateInput())

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors
        self.fields["expires_on"].help_text = gettext("At most %(days)s days ahead.") % {
            "days": MAX_TOKEN_DAYS
        }
        if "expires_on" not in self.initial:
            self.initial["expires_on"] = timezone.localdate() + datetime.timedelta(days=365)

    def expires_at(self) -> datetime.datetime:
        """The end of the chosen day, local time."""
        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))
