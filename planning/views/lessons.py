"""Lessons and the lessons register: lessons from exercises and their actions side by side
with incident follow-up actions (read from the incidents app, not copied), closing them
and linking a follow-up action to what it improves."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import is_secretariat, secretariat_required
from core.pages import confirm_page, form_page
from incidents import services as incident_services
from incidents.models import FollowUpAction
from incidents.selectors import can_coordinate

from .. import selectors, services
from ..access import contact_actor_ids, may_edit_for
from ..forms import (
    CloseActionForm,
    FollowUpLinkForm,
    LessonActionForm,
    LessonForm,
    RegisterFilterForm,
)
from ..models import Exercise, FollowUpActionLink, Lesson, LessonAction
from . import PER_PAGE


@secretariat_required
@require_http_methods(["GET", "POST"])
def lesson_create(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(Exercise, pk=pk)
    return form_page(
        request,
        form=LessonForm(request.POST or None),
        title=_("New lesson from %(exercise)s") % {"exercise": exercise},
        save=lambda data: services.lesson_add(exercise=exercise, by=request.user, **data),
        success_message=_("The lesson was saved."),
        cancel_url=exercise.get_absolute_url(),
        success_url=exercise.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.select_related("exercise"), pk=pk)
    return form_page(
        request,
        form=LessonActionForm(request.POST or None),
        title=_("New action from the lesson"),
        save=lambda data: services.lesson_action_add(lesson=lesson, **data),
        success_message=_("%(object)s was saved."),
        cancel_url=lesson.exercise.get_absolute_url(),
        success_url=lesson.exercise.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def action_close(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(LessonAction.objects.select_related("lesson__exercise"), pk=pk)
    if not may_edit_for(request.user, action.owner_id):
        raise PermissionDenied
    return form_page(
        request,
        form=CloseActionForm(request.POST or None),
        title=_("Close the action %(action)s") % {"action": action},
        save=lambda data: services.lesson_action_close(action=action, **data),
        success_message=_("%(object)s is done."),
        cancel_url=reverse("planning:register"),
        success_url=reverse("planning:register"),
    )


@require_http_methods(["GET", "POST"])
def follow_up_action_close(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(FollowUpAction.objects.select_related("follow_up__incident"), pk=pk)
    if not can_coordinate(request.user):
        raise PermissionDenied
    return confirm_page(
        request,
        action=lambda: incident_services.follow_up_action_set_status(
            action=action, status=FollowUpAction.Status.DONE, by=request.user
        ),
        title=_("Mark the follow-up action as done"),
        explanation=_("%(action)s (from %(incident)s) is marked as done.")
        % {"action": action.title, "incident": action.follow_up.incident},
        confirm_label=_("Mark as done"),
        cancel_url=reverse("planning:register"),
        success_message=_("The follow-up action is done."),
        done_url=reverse("planning:register"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def follow_up_action_link(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(FollowUpAction.objects.select_related("follow_up__incident"), pk=pk)
    link = FollowUpActionLink.objects.filter(action=action).first()
    initial = {"capability": link.capability_id, "goal_area": link.goal_area_id} if link else {}
    return form_page(
        request,
        form=FollowUpLinkForm(request.POST or None, initial=initial),
        title=_("What does %(action)s improve?") % {"action": action.title},
        save=lambda data: services.follow_up_action_link(action=action, **data),
        success_message=_("The follow-up action was linked."),
        cancel_url=reverse("planning:register"),
        success_url=reverse("planning:register"),
    )


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    secretariat = is_secretariat(request.user)
    own = contact_actor_ids(request.user)
    if not (secretariat or own):
        raise PermissionDenied
    filters = RegisterFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.lessons_register(
        status=cleaned.get("status", ""),
        source=cleaned.get("source", ""),
        owner_ids=None if secretariat else own,
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "planning/register.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "open_count": sum(1 for r in rows if r.is_open),
            "closed_count": sum(1 for r in rows if not r.is_open),
            "secretariat": secretariat,
            "coordinator": can_coordinate(request.user),
            "own": own,
        },
    )
