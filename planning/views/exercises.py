"""Exercises and training: the list, the page, editing, the link to an exercise incident,
running one in activated mode, and the evaluation."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import is_secretariat, secretariat_required
from core.pages import form_page
from incidents.forms import ActivationForm
from incidents.selectors import can_coordinate

from .. import selectors, services
from ..access import contact_actor_ids
from ..forms import EvaluationForm, ExerciseForm, LinkIncidentForm
from ..models import Exercise
from . import PER_PAGE


@require_GET
def exercise_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.exercise_list(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "planning/exercise_list.html",
        {
            "page": page,
            "secretariat": is_secretariat(request.user),
            "contact": bool(contact_actor_ids(request.user)),
        },
    )


@require_GET
def exercise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        exercise = selectors.exercise_detail(pk=pk)
    except Exercise.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "planning/exercise_detail.html",
        {
            "exercise": exercise,
            "secretariat": is_secretariat(request.user),
            "contact_ids": contact_actor_ids(request.user),
        },
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def exercise_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        form=ExerciseForm(request.POST or None),
        title=_("New exercise or training"),
        save=lambda data: services.exercise_save(created_by=request.user, **data),
        success_message=_("%(object)s was saved."),
        cancel_url=reverse("planning:exercise_list"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def exercise_update(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(Exercise, pk=pk)
    return form_page(
        request,
        form=ExerciseForm(request.POST or None, instance=exercise),
        title=_("Edit %(exercise)s") % {"exercise": exercise},
        save=lambda data: services.exercise_save(instance=exercise, **data),
        success_message=_("%(object)s was saved."),
        cancel_url=exercise.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def exercise_link(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(Exercise, pk=pk)
    return form_page(
        request,
        form=LinkIncidentForm(request.POST or None),
        title=_("Link %(exercise)s to its exercise incident") % {"exercise": exercise},
        save=lambda data: services.exercise_link_incident(exercise=exercise, **data),
        success_message=_("%(object)s was linked."),
        cancel_url=exercise.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def exercise_activate(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat or the RSIB on duty runs the exercise in activated mode."""
    if not can_coordinate(request.user):
        raise PermissionDenied
    exercise = get_object_or_404(Exercise, pk=pk)
    form = ActivationForm(request.POST or None, initial={"title": exercise.title})
    del form.fields["is_exercise"]  # always an exercise
    return form_page(
        request,
        form=form,
        title=_("Run %(exercise)s in activated mode") % {"exercise": exercise},
        save=lambda data: (
            services.exercise_activate(exercise=exercise, by=request.user, **data).incident
        ),
        success_message=_("The exercise runs in activated mode: %(object)s."),
        cancel_url=exercise.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def exercise_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(Exercise, pk=pk)
    return form_page(
        request,
        form=EvaluationForm(request.POST or None, initial={"evaluation": exercise.evaluation}),
        title=_("Evaluate %(exercise)s") % {"exercise": exercise},
        save=lambda data: services.exercise_evaluate(exercise=exercise, **data),
        success_message=_("The evaluation of %(object)s was saved."),
        cancel_url=exercise.get_absolute_url(),
    )
