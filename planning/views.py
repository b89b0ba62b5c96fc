"""Ordinary-mode pages: goals and their versions, the operational plan with follow-up and the
year-end PDF, capabilities with minimum levels, self-assessments and the matrix, exercises,
lessons and the lessons register. Members read; the secretariat edits; an actor's designated
contact edits the actor's own rows."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actors.models import Actor
from core.access import is_secretariat, secretariat_required
from core.audit import audited
from core.models import AuditEvent
from core.pages import apply_errors, confirm_page, form_page
from incidents import services as incident_services
from incidents.forms import ActivationForm
from incidents.models import FollowUpAction
from incidents.selectors import can_coordinate

from . import selectors, services
from .access import contact_actor_ids, may_edit_for, planning_settings
from .forms import (
    ActivityForm,
    ActivityReportForm,
    AdoptPlanForm,
    AdoptVersionForm,
    CloseActionForm,
    EvaluationForm,
    ExerciseForm,
    FollowUpLinkForm,
    GoalAreaForm,
    LessonActionForm,
    LessonForm,
    LinkIncidentForm,
    MinimumLevelsForm,
    PlanForm,
    PlanningSettingsForm,
    PresentPlanForm,
    RegisterFilterForm,
    RevisionForm,
    SelfAssessmentForm,
    VersionForm,
)
from .models import (
    Activity,
    Exercise,
    FollowUpActionLink,
    GoalArea,
    GoalPeriod,
    GoalPeriodVersion,
    Lesson,
    LessonAction,
    Level,
    OperationalPlan,
)
from .pdf import plan_follow_up_pdf

PER_PAGE = 25


def _year(value: int) -> int:
    if not 2000 <= value <= 2100:
        raise Http404
    return value


# --- Goals ----------------------------------------------------------------------------------


@require_GET
def period_list(request: HttpRequest) -> HttpResponse:
    periods = list(selectors.goal_periods())
    return render(request, "planning/period_list.html", {"periods": periods})


@require_GET
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(GoalPeriod, pk=pk)
    versions = list(period.versions.order_by("-number"))
    in_force = next((v for v in versions if not v.is_draft), None)
    version = selectors.version_with_areas(pk=in_force.pk) if in_force else None
    return render(
        request,
        "planning/period_detail.html",
        {
            "period": period,
            "versions": versions,
            "version": version,
            "draft": next((v for v in versions if v.is_draft), None),
        },
    )


@require_GET
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(GoalPeriodVersion, pk=pk)
    version = selectors.version_with_areas(pk=version.pk)
    in_force = services.version_in_force(version.period)
    return render(
        request,
        "planning/version_detail.html",
        {"version": version, "in_force": in_force, "period": version.period},
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def version_revise(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(GoalPeriod, pk=pk)
    return form_page(
        request,
        form=RevisionForm(request.POST or None),
        title=_("Revise %(period)s") % {"period": period},
        save=lambda data: services.goal_version_revise(
            period=period, by=request.user, change_note=data["change_note"]
        ),
        success_message=_("%(object)s was started as a draft; the earlier version is kept."),
        cancel_url=period.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def version_update(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(GoalPeriodVersion, pk=pk)
    return form_page(
        request,
        form=VersionForm(request.POST or None, instance=version),
        title=_("Edit %(version)s") % {"version": version},
        save=lambda data: services.goal_version_update(version=version, **data),
        success_message=_("%(object)s was saved."),
        cancel_url=version.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def area_create(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(GoalPeriodVersion, pk=pk)
    return form_page(
        request,
        form=GoalAreaForm(request.POST or None),
        title=_("New goal area"),
        save=lambda data: services.goal_area_save(version=version, **data),
        success_message=_("%(object)s was saved."),
        cancel_url=version.get_absolute_url(),
        success_url=version.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def area_update(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(GoalArea.objects.select_related("version"), pk=pk)
    return form_page(
        request,
        form=GoalAreaForm(request.POST or None, instance=area),
        title=_("Edit %(area)s") % {"area": area},
        save=lambda data: services.goal_area_save(version=area.version, instance=area, **data),
        success_message=_("%(object)s was saved."),
        cancel_url=area.version.get_absolute_url(),
        success_url=area.version.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def version_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(GoalPeriodVersion, pk=pk)
    return form_page(
        request,
        form=AdoptVersionForm(request.POST or None),
        title=_("Adopt %(version)s") % {"version": version},
        save=lambda data: services.goal_version_adopt(version=version, **data),
        success_message=_("%(object)s was adopted."),
        cancel_url=version.get_absolute_url(),
    )


# --- The operational plan -------------------------------------------------------------------


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


# --- Capabilities ---------------------------------------------------------------------------


def _chosen_year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("ar", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@require_GET
def capability_list(request: HttpRequest) -> HttpResponse:
    year = _chosen_year(request)
    minimums = selectors.minimum_levels(year=year)
    capabilities = selectors.capabilities_with_subs()
    for capability in capabilities:
        for sub in capability.sub_capabilities.all():
            sub.minimum = minimums.get(sub.pk)
    return render(
        request,
        "planning/capability_list.html",
        {
            "capabilities": capabilities,
            "year": year,
            "levels": Level.choices,
            "secretariat": is_secretariat(request.user),
            "my_actor_ids": contact_actor_ids(request.user),
        },
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def minimum_levels(request: HttpRequest, year: int) -> HttpResponse:
    year = _year(year)
    subs = selectors.sub_capabilities()
    current = selectors.minimum_levels(year=year)
    form = MinimumLevelsForm(
        request.POST or None,
        subs=subs,
        forum=planning_settings().adopting_forum,
        initial={f"level_{sub_id}": level for sub_id, level in current.items()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.minimum_levels_set(
                year=year, levels=form.levels(), decision=form.cleaned_data.get("decision")
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Minimum levels for %(year)s saved (%(count)s changed).")
                % {"year": year, "count": changed},
            )
            return redirect(f"{reverse('planning:capability_list')}?ar={year}")
    return render(
        request,
        "planning/minimum_levels.html",
        {"form": form, "year": year},
        status=400 if form.errors else 200,
    )


@require_GET
def assessment_index(request: HttpRequest) -> HttpResponse:
    year = _chosen_year(request)
    if is_secretariat(request.user):
        actors = Actor.objects.order_by("name")
    else:
        ids = contact_actor_ids(request.user)
        if not ids:
            raise PermissionDenied
        actors = Actor.objects.filter(pk__in=ids).order_by("name")
    return render(request, "planning/assessment_index.html", {"actors": actors, "year": year})


@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, actor_pk: int, year: int) -> HttpResponse:
    actor = get_object_or_404(Actor, pk=actor_pk)
    year = _year(year)
    if not may_edit_for(request.user, actor.pk):
        raise PermissionDenied
    subs = selectors.sub_capabilities()
    settings = planning_settings()
    with_names = settings.show_actor_names or is_secretariat(request.user)
    rows = selectors.actor_assessment(actor=actor, year=year, with_names=with_names)
    initial = {}
    for row in rows:
        if row.own:
            pk = row.sub_capability.pk
            initial[f"level_{pk}"] = row.own.level
            initial[f"comment_{pk}"] = row.own.comment
            initial[f"improvement_{pk}"] = row.own.planned_improvement
    form = SelfAssessmentForm(request.POST or None, subs=subs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.self_assessment_save(
                actor=actor, year=year, by=request.user, rows=form.rows()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The self-assessment was saved (%(count)s sub-capabilities changed).")
                % {"count": saved},
            )
            return redirect("planning:assessment", actor_pk=actor.pk, year=year)
    by_sub = {row.sub_capability.pk: row for row in rows}
    return render(
        request,
        "planning/assessment.html",
        {
            "actor": actor,
            "year": year,
            "form": form,
            "entries": [(by_sub[sub.pk], *fields) for sub, *fields in form.grouped()],
            "with_names": with_names,
        },
        status=400 if form.errors else 200,
    )


@secretariat_required
@require_GET
def matrix(request: HttpRequest, year: int) -> HttpResponse:
    year = _year(year)
    gaps_only = request.GET.get("avvikelser") == "1"
    subs, rows = selectors.capability_matrix(year=year, gaps_only=gaps_only)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    years = range(year - 3, year + 1)
    return render(
        request,
        "planning/matrix.html",
        {
            "year": year,
            "subs": subs,
            "page": page,
            "gaps_only": gaps_only,
            "below_count": sum(1 for r in rows if r.gaps),
            "trends": selectors.capability_trends(years=years),
            "years": list(years),
            "query": "avvikelser=1" if gaps_only else "",
        },
    )


# --- Exercises and lessons ------------------------------------------------------------------


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
