"""The yearly operational plan: its activities and their follow-up, adoption and
presentation, the year-end PDF, and the planning settings. An actor's designated contact
edits and follows up the actor's own activities."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import is_secretariat, secretariat_required
from core.audit import audited
from core.models import AuditEvent
from core.pages import form_page

from .. import selectors, services
from ..access import contact_actor_ids, may_edit_for, planning_settings
from ..forms import (
    ActivityForm,
    ActivityReportForm,
    AdoptPlanForm,
    PlanForm,
    PlanningSettingsForm,
    PresentPlanForm,
)
from ..models import Activity, OperationalPlan
from ..pdf import plan_follow_up_pdf
from . import PER_PAGE


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = OperationalPlan.objects.select_related(
        "goal_version__period", "adoption_decision__forum"
    ).order_by("-year")
    page = Paginator(plans, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "planning/plan_list.html", {"page": page})


@secretariat_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        form=PlanForm(request.POST or None),
        title=_("New operational plan"),
        save=lambda data: services.plan_create(**data),
        success_message=_("%(object)s was created as a draft."),
        cancel_url=reverse("planning:plan_list"),
    )


def _plan(year: int) -> OperationalPlan:
    try:
        return selectors.plan_detail(year=year)
    except OperationalPlan.DoesNotExist:
        raise Http404 from None


@require_GET
def plan_detail(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(year)
    areas = selectors.plan_overview(plan)
    contact_ids = contact_actor_ids(request.user)
    return render(
        request,
        "planning/plan_detail.html",
        {
            "plan": plan,
            "areas": areas,
            "total": sum(a.total for a in areas),
            "done": sum(a.done for a in areas),
            "contact_ids": contact_ids,
            "secretariat": is_secretariat(request.user),
            "settings": planning_settings(),
        },
    )


@audited(AuditEvent.Kind.EXPORT)
@require_GET
def plan_pdf(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(year)
    response = HttpResponse(
        plan_follow_up_pdf(plan, selectors.plan_overview(plan)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="verksamhetsplan-{plan.year}.pdf"'
    return response


@secretariat_required
@require_http_methods(["GET", "POST"])
def plan_adopt(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(year)
    forum = planning_settings().adopting_forum
    return form_page(
        request,
        form=AdoptPlanForm(request.POST or None, forum=forum, plan=plan),
        title=_("Adopt %(plan)s") % {"plan": plan},
        save=lambda data: services.plan_adopt(plan=plan, **data),
        success_message=_("%(object)s was adopted."),
        cancel_url=plan.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def plan_present(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(year)
    forum = planning_settings().presenting_forum
    return form_page(
        request,
        form=PresentPlanForm(request.POST or None, forum=forum),
        title=_("Presented to %(forum)s") % {"forum": forum.name if forum else "–"},
        save=lambda data: services.plan_present(plan=plan, **data),
        success_message=_("%(object)s was recorded as presented."),
        cancel_url=plan.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan(year)
    return form_page(
        request,
        form=ActivityForm(request.POST or None, plan=plan),
        title=_("New activity in %(plan)s") % {"plan": plan},
        save=lambda data: services.activity_save(plan=plan, **data),
        success_message=_("%(object)s was saved."),
        cancel_url=plan.get_absolute_url(),
        success_url=plan.get_absolute_url(),
    )


def _activity_for_editing(request: HttpRequest, pk: int) -> Activity:
    activity = get_object_or_404(
        Activity.objects.select_related("plan__goal_version", "goal_area", "owner"), pk=pk
    )
    if not may_edit_for(request.user, activity.owner_id):
        raise PermissionDenied
    return activity


@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        activity = selectors.activity_detail(pk=pk)
    except Activity.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "planning/activity_detail.html",
        {"activity": activity, "may_edit": may_edit_for(request.user, activity.owner_id)},
    )


@require_http_methods(["GET", "POST"])
def activity_update(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity_for_editing(request, pk)
    form = ActivityForm(request.POST or None, instance=activity, plan=activity.plan)
    if not is_secretariat(request.user):
        del form.fields["owner"]  # a contact edits the actor's activity, not who owns it
    return form_page(
        request,
        form=form,
        title=_("Edit %(activity)s") % {"activity": activity},
        save=lambda data: services.activity_save(plan=activity.plan, instance=activity, **data),
        success_message=_("%(object)s was saved."),
        cancel_url=activity.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def activity_report(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity_for_editing(request, pk)
    return form_page(
        request,
        form=ActivityReportForm(
            request.POST or None,
            initial={"reported_on": timezone.localdate(), "status": activity.status},
        ),
        title=_("Follow up %(activity)s") % {"activity": activity},
        save=lambda data: services.activity_report(activity=activity, by=request.user, **data),
        success_message=_("The follow-up was recorded."),
        cancel_url=activity.get_absolute_url(),
        success_url=activity.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def settings_update(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        form=PlanningSettingsForm(request.POST or None, instance=planning_settings()),
        title=_("Planning settings"),
        save=lambda data: services.planning_settings_update(**data),
        success_message=_("%(object)s were saved."),
        cancel_url=reverse("planning:plan_list"),
        success_url=reverse("planning:plan_list"),
    )
