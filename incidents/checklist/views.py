"""Checklist pages: tick an item (htmx swaps the panel; without JavaScript the form posts and
returns to the incident page), add an item and set its owner (the coordinator)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from actors.models import Actor
from core.pages import form_page

from .. import selectors
from ..access import require_coordinator, viewable_incident
from ..models import ChecklistItem
from ..templatetags.checklist_tags import incident_checklist
from . import services


def _owner_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=gettext_lazy("Owner"),
        queryset=Actor.objects.none(),
        required=False,
        help_text=gettext_lazy("The actor whose people may tick the item, beside the RSIB."),
    )


class ItemForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Item"), max_length=500)
    owner = _owner_field()

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Actor.objects.filter(
            pk__in=[a.pk for a in actors]
        ).order_by("name")


class OwnerForm(ItemForm):
    text = None


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=ChecklistItem.State.choices)
    note = forms.CharField(max_length=500, required=False)


def _item(request: HttpRequest, pk: int) -> ChecklistItem:
    item = get_object_or_404(ChecklistItem.objects.select_related("incident"), pk=pk)
    viewable_incident(request, item.incident_id)
    return item


@require_POST
def checklist_item_state(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = StateForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.checklist_item_set_state(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Choose a state.")
    if request.htmx:
        context = {"incident": item.incident, "request": request, "checklist_error": error}
        context["checklist"] = incident_checklist(context, item.incident)
        return render(request, "incidents/checklist/_incident_panel.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The checklist was updated."))
    return redirect(item.incident.get_absolute_url() + "#checklist-heading")


@require_http_methods(["GET", "POST"])
def checklist_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = viewable_incident(request, pk)
    require_coordinator(request)

    def save(data: dict[str, Any]) -> str:
        services.checklist_item_add(incident=incident, by=request.user, **data)
        return incident.get_absolute_url() + "#checklist-heading"

    return form_page(
        request,
        form=ItemForm(request.POST or None, actors=selectors.expected_actors(incident)),
        title=_("Add a checklist item"),
        save=save,
        success_message=_("The item was added to the checklist."),
        cancel_url=incident.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def checklist_item_owner(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    require_coordinator(request)

    def save(data: dict[str, Any]) -> str:
        services.checklist_item_set_owner(item=item, by=request.user, owner=data["owner"])
        return item.incident.get_absolute_url() + "#checklist-heading"

    return form_page(
        request,
        form=OwnerForm(
            request.POST or None,
            actors=selectors.expected_actors(item.incident),
            initial={"owner": item.owner_id},
        ),
        title=_("Owner of checklist item %(number)s: %(text)s")
        % {"number": item.position, "text": item.text},
        save=save,
        success_message=_("The owner was saved."),
        cancel_url=item.incident.get_absolute_url(),
        once=False,
    )
