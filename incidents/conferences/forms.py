"""Forms of the conference pages; the services check the rules again."""

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from actors.models import Actor
from forums.forms import DateTimeInput
from forums.models import Forum

from ..models import Conference, StatusRoundEntry

NOT_CLASSIFIED = _(
    "Never enter security-classified information (säkerhetsskyddsklassificerade uppgifter)."
)


class _WhenWhereForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=8 * 60, initial=30
    )
    dial_in = forms.CharField(
        label=_("Dial-in"),
        max_length=300,
        required=False,
        help_text=_("Telephone number and code of the telephone conference."),
    )
    room_url = forms.URLField(
        label=_("Virtual room"),
        required=False,
        max_length=200,
        validators=[URLValidator(schemes=["http", "https"])],
        assume_scheme="https",
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("dial_in") or data.get("room_url")):
            raise forms.ValidationError(
                _("Give a dial-in or a virtual room, so that the actors can join.")
            )
        return data


class ConferenceForm(_WhenWhereForm):
    forums = forms.ModelMultipleChoiceField(
        label=_("Forums to invite"),
        queryset=Forum.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    repeat_count = forms.IntegerField(
        label=_("Number of conferences"),
        min_value=1,
        max_value=24,
        initial=1,
        help_text=_("More than one: a rhythm, one conference at each interval."),
    )
    repeat_every_minutes = forms.IntegerField(
        label=_("Interval between the conferences (minutes)"),
        min_value=5,
        max_value=7 * 24 * 60,
        required=False,
    )

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        forums = incident.activated_forums.order_by("name")
        self.fields["forums"].queryset = forums
        self.fields["forums"].label_from_instance = lambda f: f.current_name
        if not self.is_bound:
            self.initial.setdefault("forums", list(forums))

    def clean(self):
        data = super().clean()
        if (data.get("repeat_count") or 1) > 1 and not data.get("repeat_every_minutes"):
            self.add_error("repeat_every_minutes", _("Give the interval between the conferences."))
        return data


class RescheduleForm(_WhenWhereForm):
    pass


class AttendanceForm(forms.Form):
    """One choice per involved actor: present, absent or not recorded."""

    CHOICES = [("", _("Not recorded")), ("present", _("Present")), ("absent", _("Absent"))]

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.actors = {}
        for actor, present in rows:
            name = f"actor_{actor.pk}"
            self.actors[name] = actor
            self.fields[name] = forms.ChoiceField(
                label=actor.name, choices=self.CHOICES, required=False
            )
            if present is not None:
                self.initial[name] = "present" if present else "absent"

    def entries(self) -> dict[int, bool]:
        return {
            self.actors[name].pk: value == "present"
            for name, value in self.cleaned_data.items()
            if value
        }


class RoundEntryForm(forms.Form):
    actor = forms.ModelChoiceField(queryset=Actor.objects.all(), widget=forms.HiddenInput)
    situation = forms.CharField(
        label=_("Situation"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    impact = forms.ChoiceField(
        label=_("Impact level"),
        choices=[("", "–"), *StatusRoundEntry._meta.get_field("impact").choices],
        required=False,
    )
    needs = forms.CharField(
        label=_("Needs"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        help_text=NOT_CLASSIFIED,
    )


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=1000)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Actor.objects.none())
    due_at = forms.DateTimeField(label=_("Due"), widget=DateTimeInput(), required=False)

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Actor.objects.filter(
            pk__in=[a.pk for a in actors]
        ).order_by("name")


def conference_initial(conference: Conference) -> dict:
    return {
        "starts_at": conference.starts_at,
        "duration_minutes": conference.duration_minutes,
        "dial_in": conference.dial_in,
        "room_url": conference.room_url,
    }
