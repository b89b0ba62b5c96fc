"""The goals document: its periods, versions (a revision is a new draft; adopted versions
are locked) and goal areas. Members read; the secretariat edits."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import secretariat_required
from core.pages import form_page

from .. import selectors, services
from ..forms import AdoptVersionForm, GoalAreaForm, RevisionForm, VersionForm
from ..models import GoalArea, GoalPeriod, GoalPeriodVersion


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
