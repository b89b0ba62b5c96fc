from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, Function, MunicipalCluster
from core.forms import DateInput

from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    ClusterRepresentation,
    Forum,
    Meeting,
    Minutes,
    Seat,
    SharingLevel,
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ForumForm(forms.ModelForm):
    class Meta:
        model = Forum
        fields = [
            "name",
            "kind",
            "level",
            "parent",
            "purpose",
            "convening_actor",
            "activated_name",
            "co_location_name",
            "escalation_minutes",
            "is_active",
        ]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            default = Actor.objects.filter(kind=Actor.Kind.COUNTY_ADMINISTRATIVE_BOARD).first()
            if default:
                self.fields["convening_actor"].initial = default.pk
        else:
            self.fields["parent"].queryset = Forum.objects.exclude(pk=self.instance.pk)


class SeatForm(forms.ModelForm):
    class Meta:
        model = Seat
        fields = ["actor", "cluster", "function", "count", "applies_in", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].help_text = _("Either an actor or a municipal cluster.")
        self.fields["cluster"].queryset = MunicipalCluster.objects.all()
        self.fields["function"].queryset = Function.objects.all()

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("actor")) == bool(cleaned.get("cluster")):
            raise forms.ValidationError(
                _("Choose either an actor or a municipal cluster for the seat, not both.")
            )
        return cleaned


class ClusterRepresentationForm(forms.ModelForm):
    class Meta:
        model = ClusterRepresentation
        fields = ["cluster", "municipality", "starts_on", "ends_on", "note"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Actor.objects.filter(
            kind=Actor.Kind.MUNICIPALITY
        ).select_related("cluster")


class MeetingForm(forms.ModelForm):
    virtual_link = forms.URLField(
        label=_("Virtual meeting room"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Meeting
        fields = ["title", "mode", "starts_at", "ends_at", "location", "virtual_link"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if not cleaned.get("location") and not cleaned.get("virtual_link"):
            self.add_error("location", _("Give a place, a virtual meeting room, or both."))
        return cleaned


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "description", "presenter"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    sharing_level = forms.ChoiceField(
        label=_("Sharing level"), choices=SharingLevel.choices, initial=SharingLevel.FORUM
    )
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        self.fields["file"].help_text = _(
            "Never upload security-classified information. PDF, Office, OpenDocument, images, "
            "text and CSV files."
        )


class AttendanceForm(forms.Form):
    """One status and name field per seat of the forum."""

    def __init__(self, *args, resolved_seats, existing: dict[int, Attendance], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        self.suggested = set()  # attendee fields prefilled with the holder's name, not recorded
        choices = [("", _("Not recorded")), *Attendance.Status.choices]
        for resolved in resolved_seats:
            seat = resolved.seat
            current = existing.get(seat.pk)
            status_name, attendee_name = f"status_{seat.pk}", f"attendee_{seat.pk}"
            label = f"{seat.holder_label} – {seat.function.name}"
            self.fields[status_name] = forms.ChoiceField(
                label=_("Attendance: %(seat)s") % {"seat": label},
                choices=choices,
                required=False,
                initial=current.status if current else "",
            )
            self.fields[attendee_name] = forms.CharField(
                label=_("Attended by: %(seat)s") % {"seat": label},
                required=False,
                max_length=200,
                initial=current.attendee
                if current
                else (resolved.holders[0].person.full_name if resolved.holders else ""),
            )
            if current is None and resolved.holders:
                self.suggested.add(attendee_name)
            self.rows.append((resolved, self[status_name], self[attendee_name]))

    def clean(self):
        """A seat marked absent or excused had nobody there: a name of who attended contradicts
        it. Only the holder's name the form suggested for an unrecorded seat is dropped."""
        from .services import NOT_ATTENDED, attendance_contradiction

        cleaned = super().clean()
        for _resolved, status, attendee in self.rows:
            chosen = cleaned.get(status.name, "")
            name = (cleaned.get(attendee.name) or "").strip()
            if chosen not in NOT_ATTENDED or not name:
                continue
            if attendee.name in self.suggested and attendee.name not in self.changed_data:
                cleaned[attendee.name] = ""
            else:
                self.add_error(status.name, attendance_contradiction(chosen, name))
        return cleaned

    def entries(self) -> dict[int, tuple[str, str]]:
        return {
            resolved.seat.pk: (
                self.cleaned_data[f"status_{resolved.seat.pk}"],
                self.cleaned_data[f"attendee_{resolved.seat.pk}"].strip(),
            )
            for resolved, _status, _attendee in self.rows
        }


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    agenda_item = forms.ModelChoiceField(
        label=_("Decided at item"), queryset=AgendaItem.objects.none(), required=False
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "owner", "due_on"]
        widgets = {"due_on": DateInput()}


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Minutes
        fields = ["body", "sharing_level"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24})}
