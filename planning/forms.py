from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, Function
from core.forms import DateInput
from forums.models import Decision, Forum, Meeting
from incidents.models import Incident, PreparedDirection

from .models import (
    Activity,
    ActivityStatus,
    Capability,
    Exercise,
    GoalArea,
    GoalPeriodVersion,
    Level,
    PlanningSettings,
    SubCapability,
)


def level_field(label: str, *, empty_label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", empty_label), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": _("Choose a level on the scale from 1 to 5."),
        },
    )


class RevisionForm(forms.Form):
    change_note = forms.CharField(
        label=_("Why are the goals revised?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class VersionForm(forms.ModelForm):
    class Meta:
        model = GoalPeriodVersion
        fields = ["overall_goal", "change_note"]


class GoalAreaForm(forms.ModelForm):
    class Meta:
        model = GoalArea
        fields = ["code", "position", "name", "goal_statement", "explanation"]
        widgets = {
            "goal_statement": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 6}),
        }


class AdoptVersionForm(forms.Form):
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DateInput())
    adopted_note = forms.CharField(label=_("Adopted by"), max_length=300, required=False)
    decision = forms.ModelChoiceField(
        label=_("Decision"),
        queryset=Decision.objects.select_related("forum").order_by("-year", "-number"),
        required=False,
    )


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year + 1})
        super().__init__(*args, **kwargs)


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "goal_area",
            "title",
            "description",
            "owner",
            "forum",
            "starts_on",
            "ends_on",
            "follow_up_plan",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "follow_up_plan": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal_area"].queryset = plan.goal_version.areas.order_by("position")
        self.fields["owner"].empty_label = _("The secretariat")
        self.fields["forum"].queryset = Forum.objects.filter(is_active=True)

    def clean(self):
        # The model's check is run by the service; say it here too, on the field.
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return cleaned

    def _post_clean(self):
        # Constraints are checked by the service (which also shows them as form errors).
        pass


class ActivityReportForm(forms.Form):
    reported_on = forms.DateField(label=_("Date"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices)
    progress = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"reported_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class AdoptPlanForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Meeting where the plan was adopted"),
        queryset=Meeting.objects.none(),
        required=False,
    )
    text = forms.CharField(
        label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    decision = forms.ModelChoiceField(
        label=_("Or: a decision already recorded"),
        queryset=Decision.objects.none(),
        required=False,
    )

    def __init__(self, *args, forum: Forum | None, plan, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "text": _("The forum adopts the operational plan for %(year)s.")
                % {"year": plan.year}
            },
        )
        super().__init__(*args, **kwargs)
        if forum is not None:
            self.fields["meeting"].queryset = (
                Meeting.objects.filter(forum=forum)
                .exclude(status=Meeting.Status.CANCELLED)
                .exclude(minutes__status="approved")
                .select_related("forum")
                .order_by("-starts_at")
            )
            self.fields["decision"].queryset = (
                Decision.objects.filter(forum=forum, adopted_plan__isnull=True)
                .select_related("forum")
                .order_by("-year", "-number")
            )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("decision") and not cleaned.get("meeting"):
            raise forms.ValidationError(_("Choose the meeting, or a decision already recorded."))
        if cleaned.get("meeting") and not cleaned.get("decision") and not cleaned.get("text"):
            self.add_error("text", _("Write the decision."))
        return cleaned


class PresentPlanForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.none())

    def __init__(self, *args, forum: Forum | None, **kwargs):
        super().__init__(*args, **kwargs)
        if forum is not None:
            self.fields["meeting"].queryset = (
                Meeting.objects.filter(forum=forum).select_related("forum").order_by("-starts_at")
            )


class MinimumLevelsForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=_("Decided by"),
        queryset=Decision.objects.none(),
        required=False,
        help_text=_("The direction level's decision that sets these levels, if recorded."),
    )

    def __init__(self, *args, subs: list[SubCapability], forum: Forum | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if forum is not None:
            self.fields["decision"].queryset = (
                Decision.objects.filter(forum=forum)
                .select_related("forum")
                .order_by("-year", "-number")
            )
        self.subs = subs
        for sub in subs:
            self.fields[f"level_{sub.pk}"] = level_field(sub.name, empty_label=_("– not set –"))

    def levels(self) -> dict[int, int | None]:
        return {sub.pk: self.cleaned_data.get(f"level_{sub.pk}") for sub in self.subs}


class SelfAssessmentForm(forms.Form):
    """One level, comment and planned improvement per sub-capability."""

    def __init__(self, *args, subs: list[SubCapability], **kwargs):
        super().__init__(*args, **kwargs)
        self.subs = subs
        for sub in subs:
            self.fields[f"level_{sub.pk}"] = level_field(
                _("Level"), empty_label=_("– not assessed –")
            )
            self.fields[f"comment_{sub.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=4000,
            )
            self.fields[f"improvement_{sub.pk}"] = forms.CharField(
                label=_("Planned improvement"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=4000,
            )

    def rows(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            sub.pk: {
                "level": data.get(f"level_{sub.pk}"),
                "comment": data.get(f"comment_{sub.pk}", ""),
                "planned_improvement": data.get(f"improvement_{sub.pk}", ""),
            }
            for sub in self.subs
        }

    def grouped(self):
        """(sub-capability, level field, comment field, improvement field) for the template."""
        return [
            (sub, self[f"level_{sub.pk}"], self[f"comment_{sub.pk}"], self[f"improvement_{sub.pk}"])
            for sub in self.subs
        ]


class ExerciseForm(forms.ModelForm):
    actors = forms.ModelMultipleChoiceField(
        label=_("Actors taking part"),
        queryset=Actor.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    functions = forms.ModelMultipleChoiceField(
        label=_("Functions taking part"),
        queryset=Function.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capabilities = forms.ModelMultipleChoiceField(
        label=_("Capabilities exercised"),
        queryset=Capability.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    goal_areas = forms.ModelMultipleChoiceField(
        label=_("Goal areas exercised"),
        queryset=GoalArea.objects.filter(version__status="adopted")
        .select_related("version__period")
        .order_by("-version__period__start_year", "-version__number", "position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Exercise
        fields = ["kind", "title", "description", "starts_on", "ends_on"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return cleaned

    def _post_clean(self):
        pass


class LinkIncidentForm(forms.Form):
    incident = forms.ModelChoiceField(
        label=_("Exercise incident"),
        queryset=Incident.objects.filter(is_exercise=True).order_by("-activated_at"),
    )


class EvaluationForm(forms.Form):
    evaluation = forms.CharField(label=_("Evaluation"), widget=forms.Textarea(attrs={"rows": 6}))


class LessonForm(forms.Form):
    text = forms.CharField(label=_("Lesson"), widget=forms.Textarea(attrs={"rows": 3}))


class LessonActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=Actor.objects.order_by("name"),
        required=False,
        empty_label=_("The secretariat"),
    )
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())
    capability = forms.ModelChoiceField(
        label=_("Capability improved"), queryset=Capability.objects.all(), required=False
    )
    goal_area = forms.ModelChoiceField(
        label=_("Goal area improved"),
        queryset=GoalArea.objects.filter(version__status="adopted")
        .select_related("version__period")
        .order_by("-version__period__start_year", "-version__number", "position"),
        required=False,
    )
    prepared_direction = forms.ModelChoiceField(
        label=_("Prepared direction improved"),
        queryset=PreparedDirection.objects.order_by("title"),
        required=False,
    )


class CloseActionForm(forms.Form):
    note = forms.CharField(
        label=_("How was the action done?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RegisterFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Open")), ("closed", _("Closed"))],
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[
            ("", _("All sources")),
            ("exercise", _("Exercises")),
            ("incident", _("Incidents")),
        ],
    )


class FollowUpLinkForm(forms.Form):
    capability = forms.ModelChoiceField(
        label=_("Capability improved"), queryset=Capability.objects.all(), required=False
    )
    goal_area = forms.ModelChoiceField(
        label=_("Goal area improved"),
        queryset=GoalArea.objects.filter(version__status="adopted")
        .select_related("version__period")
        .order_by("-version__period__start_year", "-version__number", "position"),
        required=False,
    )


class PlanningSettingsForm(forms.ModelForm):
    class Meta:
        model = PlanningSettings
        fields = ["adopting_forum", "presenting_forum", "contact_function", "show_actor_names"]
