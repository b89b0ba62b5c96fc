from django import forms
from django.utils.translation import gettext_lazy as _

URGENCY_CHOICES = [
    ("Immediate", _("Immediate: act now")),
    ("Expected", _("Expected: act within the next hour")),
    ("Future", _("Future: act in the near future")),
    ("Past", _("Past: no action needed any more")),
    ("Unknown", _("Unknown")),
]
SEVERITY_CHOICES = [
    ("Extreme", _("Extreme: extraordinary threat to life or property")),
    ("Severe", _("Severe: significant threat to life or property")),
    ("Moderate", _("Moderate: possible threat to life or property")),
    ("Minor", _("Minor: minimal to no known threat")),
    ("Unknown", _("Unknown")),
]
CERTAINTY_CHOICES = [
    ("Observed", _("Observed: has occurred or is ongoing")),
    ("Likely", _("Likely: more likely than not")),
    ("Possible", _("Possible: possible but not likely")),
    ("Unlikely", _("Unlikely: not expected to occur")),
    ("Unknown", _("Unknown")),
]


class CapExportForm(forms.Form):
    """What the RKK judges when exporting: a joint message carries no CAP grading of its own.
    The defaults (Expected, Moderate, Likely) suit a message that informs the public of an
    ongoing event; raising them is a conscious choice."""

    urgency = forms.ChoiceField(label=_("Urgency"), choices=URGENCY_CHOICES, initial="Expected")
    severity = forms.ChoiceField(label=_("Severity"), choices=SEVERITY_CHOICES, initial="Moderate")
    certainty = forms.ChoiceField(label=_("Certainty"), choices=CERTAINTY_CHOICES, initial="Likely")
    instruction = forms.CharField(
        label=_("What the public should do"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Optional. Goes into the alert's instruction; the message is its description."),
    )


class CapCancelForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the alert cancelled?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Goes into the cancel message's note. The alert systems stop showing it."),
    )
