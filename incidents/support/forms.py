from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Actor
from forums.forms import DateTimeInput

from ..forms import NOT_CLASSIFIED
from ..models import SupportRequest


class SupportRequestForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("Asked by"), queryset=Actor.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=_("What kind of support"), choices=SupportRequest.Kind.choices)
    title = forms.CharField(
        label=_("What is needed"),
        max_length=200,
        help_text=_("Short, e.g. “Two reserve generators to Huddinge care home”."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        help_text=NOT_CLASSIFIED,
    )
    to_anyone = forms.BooleanField(
        label=_("Ask any actor taking part"),
        required=False,
        help_text=_("Instead of choosing actors below."),
    )
    addressed = forms.ModelMultipleChoiceField(
        label=_("Actors asked"),
        queryset=Actor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needed_by = forms.DateTimeField(label=_("Needed by"), widget=DateTimeInput())
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=SupportRequest.Priority.choices,
        initial=SupportRequest.Priority.NORMAL,
    )

    def __init__(
        self, *args, actors: list[Actor], taking_part: list[Actor], coordinator: bool, **kw
    ):
        super().__init__(*args, **kw)
        self.fields["actor"].queryset = Actor.objects.filter(pk__in=[a.pk for a in actors])
        if coordinator:
            self.fields["actor"].empty_label = _("The RSIB / the secretariat")
        else:
            self.fields["actor"].required = True
            if len(actors) == 1:
                self.fields["actor"].initial = actors[0].pk
        self.fields["addressed"].queryset = Actor.objects.filter(
            pk__in=[a.pk for a in taking_part]
        ).order_by("name")

    def clean_needed_by(self):
        needed_by = self.cleaned_data["needed_by"]
        if needed_by <= timezone.now():
            raise forms.ValidationError(_("The time it is needed by must be in the future."))
        return needed_by

    def clean(self):
        data = super().clean()
        if not data.get("to_anyone") and not data.get("addressed"):
            self.add_error(
                "addressed", _("Choose the actors you ask, or ask any actor taking part.")
            )
        return data


class AnswerForm(forms.Form):
    ACCEPT, PARTIAL, DECLINE = "accept", "partial", "decline"

    actor = forms.ModelChoiceField(label=_("Answer for"), queryset=Actor.objects.none())
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (ACCEPT, _("We accept")),
            (PARTIAL, _("We accept part of it")),
            (DECLINE, _("We decline")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Required when you accept part of it or decline: say what and why."),
    )

    def __init__(self, *args, actors: list[Actor], **kw):
        super().__init__(*args, **kw)
        self.fields["actor"].queryset = Actor.objects.filter(pk__in=[a.pk for a in actors])
        self.only_actor = actors[0] if len(actors) == 1 else None
        if self.only_actor:
            # Whoever speaks for one asked actor answers for it without choosing.
            self.fields["actor"].initial = self.only_actor.pk
            self.fields["actor"].required = False

    def clean_actor(self):
        return self.cleaned_data.get("actor") or self.only_actor

    def clean(self):
        data = super().clean()
        if data.get("answer") in (self.PARTIAL, self.DECLINE) and not data.get("note", "").strip():
            self.add_error("note", _("Say what part you can deliver, or why you decline."))
        return data


class StepNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
