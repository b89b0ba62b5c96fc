from django import forms
from django.utils.translation import gettext_lazy as _

from forums.models import SharingLevel

from ..forms import NOT_CLASSIFIED
from ..models import SituationPicture


class PictureForm(forms.Form):
    audience = forms.ChoiceField(label=_("Audience"), choices=SituationPicture.Audience.choices)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 6}), help_text=NOT_CLASSIFIED
    )
    needs_and_requests = forms.CharField(
        label=_("Needs and requests"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    sharing_level = forms.ChoiceField(
        label=_("Sharing level"),
        choices=SharingLevel.choices,
        initial=SharingLevel.FORUM,
        help_text=_(
            "The short version reaches actors outside the activated forums: share it with the "
            "network's members or publicly. It carries only the reports shared that widely."
        ),
    )
