"""A forum's seats and the municipal clusters' representation, managed by the secretariat."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from actors.models import MunicipalCluster
from core.access import secretariat_required
from core.pages import apply_errors, confirm_page, form_page

from .. import services
from ..forms import ClusterRepresentationForm, SeatForm
from ..models import ClusterRepresentation, Forum, Seat


@secretariat_required
@require_http_methods(["GET", "POST"])
def seat_create(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_object_or_404(Forum, pk=pk)

    def save(data: dict[str, Any]) -> Forum:
        services.seat_create(forum=forum, **data)
        return forum

    return form_page(
        request,
        form=SeatForm(request.POST or None),
        title=_("New seat in %(forum)s") % {"forum": forum.name},
        save=save,
        success_message=_("The seat was added."),
        cancel_url=forum.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def seat_update(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_object_or_404(Seat.objects.select_related("forum"), pk=pk)

    def save(data: dict[str, Any]) -> Forum:
        services.seat_update(seat=seat, **data)
        return seat.forum

    return form_page(
        request,
        form=SeatForm(request.POST or None, instance=seat),
        title=_("Edit seat"),
        save=save,
        success_message=_("The seat was saved."),
        cancel_url=seat.forum.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def seat_delete(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_object_or_404(
        Seat.objects.select_related("forum", "actor", "cluster", "function"), pk=pk
    )
    return confirm_page(
        request,
        action=lambda: services.seat_delete(seat=seat),
        title=_("Remove the seat %(seat)s?") % {"seat": seat},
        explanation=_(
            "Whoever holds the function loses access to the forum unless they hold another "
            "of its seats."
        ),
        confirm_label=_("Remove the seat"),
        cancel_url=seat.forum.get_absolute_url(),
        success_message=_("The seat was removed."),
        done_url=seat.forum,
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def cluster_representation_list(request: HttpRequest) -> HttpResponse:
    form = ClusterRepresentationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cluster_representation_create(**form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The representation was saved."))
            return redirect("forums:cluster_representation_list")
    clusters = MunicipalCluster.objects.prefetch_related("municipalities").order_by("name")
    representations = ClusterRepresentation.objects.select_related(
        "cluster", "municipality"
    ).order_by("cluster__name", "-starts_on")
    return render(
        request,
        "forums/cluster_representations.html",
        {
            "form": form,
            "clusters": clusters,
            "representations": representations,
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


@secretariat_required
@require_POST
def cluster_representation_end(request: HttpRequest, pk: int) -> HttpResponse:
    representation = get_object_or_404(ClusterRepresentation, pk=pk)
    try:
        services.cluster_representation_end(
            representation=representation, ends_on=timezone.localdate()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The representation was ended today."))
    return redirect("forums:cluster_representation_list")
