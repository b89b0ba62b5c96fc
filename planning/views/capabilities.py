"""Capabilities: the list with the year's minimum levels, setting them, the actors'
self-assessments and the secretariat's matrix of actors against minimum levels."""

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
from core.pages import apply_errors

from .. import selectors, services
from ..access import contact_actor_ids, may_edit_for, planning_settings
from ..forms import MinimumLevelsForm, SelfAssessmentForm
from ..models import Level


def _year(value: int) -> int:
    if not 2000 <= value <= 2100:
        raise Http404
    return value


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
