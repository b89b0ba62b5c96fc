from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from actors.models import Actor
from core.forms import DateInput
from forums.forms import DateTimeInput
from forums.models import Forum

from .models import (
    ActorStatus,
    EventType,
    ImpactLevel,
    PreparedDirection,
    SituationReport,
)

NOT_CLASSIFIED = _(
    "Never enter security-classified information (säkerhetsskyddsklassificerade uppgifter)."
)


def municipalities_field(**kwargs) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Municipalities affected"),
        queryset=Actor.objects.filter(kind=Actor.Kind.MUNICIPALITY).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


class SignalForm(forms.Form):
    what = forms.CharField(
        label=_("What has happened?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    municipalities = municipalities_field()
    assessment = forms.CharField(
        label=_("Your assessment of the need for collaboration"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=NOT_CLASSIFIED,
    )
    is_exercise = forms.BooleanField(label=_("This is an exercise"), required=False)


class ActivationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    prepared_direction = forms.ModelChoiceField(
        label=_("Start from a prepared direction"),
        queryset=PreparedDirection.objects.select_related("event_type"),
        required=False,
    )
    event_type = forms.ModelChoiceField(
        label=_("Event type"), queryset=EventType.objects.all(), required=False
    )
    forums = forms.ModelMultipleChoiceField(
        label=_("Forums to activate"),
        queryset=Forum.objects.filter(is_active=True)
        .exclude(activated_name="")
        .select_related("level"),
        widget=forms.CheckboxSelectMultiple,
    )
    municipalities = municipalities_field()
    reporting_interval_minutes = forms.IntegerField(
        label=_("Reporting rhythm (minutes)"), min_value=15, max_value=24 * 60, initial=120
    )
    meets_at = forms.DateTimeField(
        label=_("First meeting"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("When the activated forums first meet; the alert says so."),
    )
    meeting_place = forms.CharField(
        label=_("Meeting place"),
        max_length=300,
        required=False,
        help_text=_("Where they meet in person, e.g. the address of the staff room."),
    )
    meeting_link = forms.URLField(
        label=_("Virtual meeting room"),
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A link to the virtual room (https://…)."),
    )
    wis_link = forms.URLField(label=_("WIS space"), required=False, assume_scheme="https")
    is_exercise = forms.BooleanField(label=_("This is an exercise"), required=False)


class ForumsChangeForm(forms.Form):
    forums = ActivationForm.base_fields["forums"]


class ReportForm(forms.ModelForm):
    class Meta:
        model = SituationReport
        fields = [
            "impact",
            "situation",
            "consequences",
            "actions_taken",
            "needs",
            "planned_actions",
            "communication",
            "next_report_due",
            "sharing_level",
        ]
        widgets = {
            "impact": forms.RadioSelect,
            "situation": forms.Textarea(attrs={"rows": 4}),
            "consequences": forms.Textarea(attrs={"rows": 3}),
            "actions_taken": forms.Textarea(attrs={"rows": 3}),
            "needs": forms.Textarea(attrs={"rows": 3}),
            "planned_actions": forms.Textarea(attrs={"rows": 3}),
            "communication": forms.Textarea(attrs={"rows": 2}),
            "next_report_due": DateTimeInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["impact"].choices = ImpactLevel.choices
        self.fields["situation"].help_text = NOT_CLASSIFIED


class StatusForm(forms.Form):
    actor = forms.ModelChoiceField(label=_("Actor"), queryset=Actor.objects.all())
    status = forms.ChoiceField(label=_("Status"), choices=ActorStatus.Status.choices)


class DirectionForm(forms.Form):
    text = forms.CharField(
        label=_("Direction"), widget=forms.Textarea(attrs={"rows": 4}), help_text=NOT_CLASSIFIED
    )
    valid_until = forms.DateTimeField(
        label=_("Valid until"), required=False, widget=DateTimeInput()
    )


class MessageForm(forms.Form):
    target_group = forms.CharField(label=_("Target group"), max_length=200)
    channel = forms.CharField(label=_("Channel"), max_length=100)
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    senders = forms.ModelMultipleChoiceField(
        label=_("Sending actors (they co-sign)"),
        queryset=Actor.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class FollowUpForm(forms.Form):
    evaluation = forms.CharField(label=_("Evaluation"), widget=forms.Textarea(attrs={"rows": 5}))
    lessons = forms.CharField(
        label=_("Lessons"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    action_title = forms.CharField(label=_("Decided action"), max_length=300, required=False)
    action_owner = forms.ModelChoiceField(
        label=_("Owner of the action"), queryset=Actor.objects.all(), required=False
    )
    action_due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    action_prepared_direction = forms.ModelChoiceField(
        label=_("Prepared direction the lesson should change"),
        queryset=PreparedDirection.objects.all(),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action_title") and not cleaned.get("action_owner"):
            self.add_error("action_owner", _("An action needs an owner."))
        return cleaned


class PreparedDirectionForm(forms.ModelForm):
    class Meta:
        model = PreparedDirection
        fields = [
            "event_type",
            "title",
            "action_plan",
            "checklist",
            "message_templates",
            "owner",
            "review_due",
        ]
        widgets = {
            "action_plan": forms.Textarea(attrs={"rows": 5}),
            "checklist": forms.Textarea(attrs={"rows": 4}),
            "message_templates": forms.Textarea(attrs={"rows": 4}),
            "review_due": DateInput(),
        }


class EventTypeForm(forms.ModelForm):
    class Meta:
        model = EventType
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class MessageWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The senders are told; the message stays on the incident, marked withdrawn."),
    )
