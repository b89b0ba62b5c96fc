"""Pages of the actor registry: the directory and contact paths for members, forms for the
secretariat. Views fetch, validate with a form, call a service and redirect."""

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import is_secretariat, secretariat_required
from core.pages import confirm_page, form_page

from . import selectors, services
from .forms import (
    ActorForm,
    ActorFunctionForm,
    AssignmentEndForm,
    AssignmentForm,
    AuditSearchForm,
    DirectoryFilterForm,
    FunctionForm,
    PersonForm,
    PopulationImportForm,
)
from .models import Actor, ActorFunction, Assignment, Function, Person, PopulationFigure


def _paginate(request: HttpRequest, items: Any, per_page: int) -> Any:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


# --- Directory and actor pages --------------------------------------------------------------


# The directory's result table is the same for every member for the same filters: it is cached,
# keyed by what changed last in the directory (selectors.directory_version), the language and
# the query string. Redis being down is a miss: the table is rendered from the database.
DIRECTORY_CACHE_SECONDS = 600


def _directory_table(request: HttpRequest, filters: DirectoryFilterForm) -> str:
    version = selectors.directory_version()
    params = sorted((k, v) for k, values in request.GET.lists() for v in values)
    digest = hashlib.sha256(repr(params).encode()).hexdigest()[:32]
    key = f"actors:directory:{version}:{get_language()}:{digest}"
    table = cache.get(key)
    if table is not None:
        return mark_safe(table)  # rendered by the template below, escaped there
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    cluster = cleaned.get("cluster")
    actors = selectors.actor_directory(
        q=cleaned.get("q", "").strip(),
        kind=cleaned.get("kind", ""),
        cluster_id=cluster.pk if cluster else None,
    )
    page = _paginate(request, actors, settings.ACTORS_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    # Without the request: the table uses none of the context processors' per-user values.
    table = render_to_string("actors/_actor_table.html", {"page": page, "query": query.urlencode()})
    cache.set(key, table, DIRECTORY_CACHE_SECONDS)
    return table


def actor_list(request: HttpRequest) -> HttpResponse:
    filters = DirectoryFilterForm(request.GET or None)
    table = _directory_table(request, filters)
    if request.htmx:
        return HttpResponse(table)
    return render(request, "actors/actor_list.html", {"filters": filters, "table": table})


def actor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_object_or_404(Actor.objects.select_related("cluster", "rescue_service"), pk=pk)
    context = {
        "actor": actor,
        "actor_functions": selectors.actor_functions_with_holders(actor=actor),
        "population_figures": selectors.population_figures(actor=actor),
        "today": timezone.localdate(),
    }
    return render(request, "actors/actor_detail.html", context)


@secretariat_required
@require_http_methods(["GET", "POST"])
def actor_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        form=ActorForm(request.POST or None),
        title=_("New actor"),
        save=lambda data: services.actor_create(**data),
        success_message=_("%(object)s was created."),
        cancel_url=reverse("actors:actor_list"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def actor_update(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_object_or_404(Actor, pk=pk)
    return form_page(
        request,
        form=ActorForm(request.POST or None, instance=actor),
        title=_("Edit %(actor)s") % {"actor": actor},
        save=lambda data: services.actor_update(actor=actor, **data),
        success_message=_("%(object)s was saved."),
        cancel_url=actor.get_absolute_url(),
    )


# --- Functions at an actor ------------------------------------------------------------------


@secretariat_required
@require_http_methods(["GET", "POST"])
def actor_function_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_object_or_404(Actor, pk=pk)

    def save(data: dict[str, Any]) -> Actor:
        services.actor_function_add(actor=actor, **data)
        return actor

    return form_page(
        request,
        form=ActorFunctionForm(request.POST or None, actor=actor),
        title=_("Add a function to %(actor)s") % {"actor": actor},
        save=save,
        success_message=_("The function was added to %(object)s."),
        cancel_url=actor.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def actor_function_update(request: HttpRequest, pk: int) -> HttpResponse:
    actor_function = get_object_or_404(
        ActorFunction.objects.select_related("actor", "function"), pk=pk
    )
    actor = actor_function.actor

    def save(data: dict[str, Any]) -> Actor:
        data.pop("function", None)
        services.actor_function_update(actor_function=actor_function, **data)
        return actor

    return form_page(
        request,
        form=ActorFunctionForm(request.POST or None, instance=actor_function, actor=actor),
        title=_("Edit %(function)s") % {"function": actor_function},
        save=save,
        success_message=_("The function at %(object)s was saved."),
        cancel_url=actor.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def actor_function_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor_function = get_object_or_404(
        ActorFunction.objects.select_related("actor", "function"), pk=pk
    )
    actor = actor_function.actor
    return confirm_page(
        request,
        action=lambda: services.actor_function_remove(actor_function=actor_function),
        title=_("Remove %(function)s from %(actor)s?")
        % {"function": actor_function.function, "actor": actor},
        explanation=_(
            "The function is removed from the actor. This is only possible while nobody has "
            "been assigned to it."
        ),
        confirm_label=_("Remove the function"),
        cancel_url=actor.get_absolute_url(),
        success_message=_("%(function)s was removed from %(actor)s.")
        % {"function": actor_function.function, "actor": actor},
        done_url=actor,
    )


# --- Function catalogue ---------------------------------------------------------------------


def function_list(request: HttpRequest) -> HttpResponse:
    page = _paginate(request, selectors.function_catalogue(), 50)
    return render(request, "actors/function_list.html", {"page": page})


@secretariat_required
@require_http_methods(["GET", "POST"])
def function_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        form=FunctionForm(request.POST or None),
        title=_("New function"),
        save=lambda data: services.function_create(**data),
        success_message=_("%(object)s was created."),
        cancel_url=reverse("actors:function_list"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def function_update(request: HttpRequest, pk: int) -> HttpResponse:
    function = get_object_or_404(Function, pk=pk)
    return form_page(
        request,
        form=FunctionForm(request.POST or None, instance=function),
        title=_("Edit %(function)s") % {"function": function},
        save=lambda data: services.function_update(function=function, **data),
        success_message=_("%(object)s was saved."),
        cancel_url=reverse("actors:function_list"),
    )


# --- People ---------------------------------------------------------------------------------


def person_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    page = _paginate(request, selectors.person_directory(q=q), 50)
    return render(request, "actors/person_list.html", {"page": page, "q": q})


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("actor", "user"), pk=pk)
    context = {
        "person": person,
        "assignments": selectors.person_assignments(person=person),
        "today": timezone.localdate(),
    }
    if person.user_id and is_secretariat(request.user):
        from django_otp import user_has_device

        context["second_factor"] = user_has_device(person.user, confirmed=None)
    return render(request, "actors/person_detail.html", context)


@secretariat_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    initial = {"actor": request.GET.get("actor")} if request.GET.get("actor") else None
    return form_page(
        request,
        form=PersonForm(request.POST or None, initial=initial),
        title=_("New person"),
        save=lambda data: services.person_create(**data),
        success_message=_("%(object)s was created."),
        cancel_url=reverse("actors:person_list"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def person_update(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    return form_page(
        request,
        form=PersonForm(request.POST or None, instance=person),
        title=_("Edit %(person)s") % {"person": person},
        save=lambda data: services.person_update(person=person, **data),
        success_message=_("%(object)s was saved."),
        cancel_url=person.get_absolute_url(),
    )


# --- Assignments ----------------------------------------------------------------------------


@secretariat_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest) -> HttpResponse:
    initial = {
        key: request.GET[key] for key in ("actor_function", "person", "role") if key in request.GET
    }

    def save(data: dict[str, Any]) -> Person:
        return services.assignment_create(**data).person

    return form_page(
        request,
        form=AssignmentForm(request.POST or None, initial=initial),
        title=_("New assignment"),
        save=save,
        success_message=_("The assignment of %(object)s was saved."),
        cancel_url=reverse("actors:person_list"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def assignment_update(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(Assignment.objects.select_related("person"), pk=pk)

    def save(data: dict[str, Any]) -> Person:
        return services.assignment_update(assignment=assignment, **data).person

    return form_page(
        request,
        form=AssignmentForm(request.POST or None, instance=assignment),
        title=_("Edit assignment"),
        save=save,
        success_message=_("The assignment of %(object)s was saved."),
        cancel_url=assignment.person.get_absolute_url(),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        Assignment.objects.select_related(
            "person", "actor_function__actor", "actor_function__function"
        ),
        pk=pk,
    )
    form = AssignmentEndForm(request.POST or None, initial={"ends_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_end(assignment=assignment, ends_on=form.cleaned_data["ends_on"])
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error("ends_on", error)
        else:
            messages.success(request, _("The assignment was ended."))
            return redirect(assignment.person)
    return render(
        request,
        "actors/assignment_end.html",
        {"form": form, "assignment": assignment},
        status=400 if form.errors else 200,
    )


# --- Population figures ---------------------------------------------------------------------


@secretariat_required
@require_http_methods(["GET", "POST"])
def population_import(request: HttpRequest) -> HttpResponse:
    """Upload SCB's figures; check first, then import all rows or none."""
    form = PopulationImportForm(request.POST or None, request.FILES or None)
    result = errors = rows = None
    if request.method == "POST" and form.is_valid():
        rows, errors = services.population_csv_parse(form.cleaned_data["file"].splitlines())
        if not errors:
            dry_run = form.cleaned_data["dry_run"]
            result = services.population_figures_import(rows=rows, dry_run=dry_run)
            errors = result.errors
            if not errors and not dry_run:
                messages.success(
                    request,
                    _("Imported %(count)s population figures.") % {"count": len(rows)},
                )
                return redirect("actors:population_import")
    return render(
        request,
        "actors/population_import.html",
        {
            "form": form,
            "errors": errors,
            "result": result,
            "rows": rows if result and not errors else None,
            "kinds": dict(PopulationFigure.Kind.choices),
        },
        status=400 if (form.errors or errors) else 200,
    )


# --- Traceability: history, audit search, personal data -------------------------------------

HISTORY_PER_PAGE = 25
AUDIT_PER_PAGE = 50


def _model_names(model: type) -> dict[str, str]:
    meta = model._meta
    return {
        "label": meta.label_lower,
        "name": capfirst(meta.verbose_name),
        "plural": str(meta.verbose_name_plural),
    }


@secretariat_required
@require_GET
def object_history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    """Every recorded version of one object (also after it was deleted), with what changed, who
    changed it and when, and the audit events that concern it."""
    model = selectors.history_model(label)
    if model is None:
        raise Http404
    total = model.history.filter(**{model._meta.pk.attname: pk}).count()
    if total == 0:
        raise Http404
    page = Paginator(range(total), HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "model": _model_names(model),
        "obj": model._default_manager.filter(pk=pk).first(),
        "pk": pk,
        "page": page,
        "records": selectors.object_history(
            model, pk, offset=page.start_index() - 1, limit=HISTORY_PER_PAGE
        ),
        "events": selectors.audit_events(
            content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
        )[:AUDIT_PER_PAGE],
    }
    return render(request, "actors/object_history.html", context)


@secretariat_required
@require_GET
def audit_search(request: HttpRequest) -> HttpResponse:
    """Search the audit events, or the changes to one type of object, by person and date."""
    types = [
        (m._meta.label_lower, capfirst(m._meta.verbose_name_plural))
        for m in selectors.history_models()
    ]
    form = AuditSearchForm(request.GET or None, object_types=types)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    model = selectors.history_model(data.get("object_type") or "")
    dates = {"date_from": data.get("date_from"), "date_to": data.get("date_to")}
    changes = data.get("show") == AuditSearchForm.CHANGES
    if not valid:
        items = []
    elif changes:
        items = selectors.history_changes(model, person=data.get("person", ""), **dates)
    else:
        items = selectors.audit_events(
            person=data.get("person", ""),
            content_type=ContentType.objects.get_for_model(model) if model else None,
            kind=data.get("kind", ""),
            **dates,
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "changes": changes and valid,
        "model": _model_names(model) if model else None,
        "page": Paginator(items, AUDIT_PER_PAGE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
    }
    return render(request, "actors/audit_search.html", context, status=200 if valid else 400)


@require_GET
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's data as JSON: for the secretariat, or for the person themselves."""
    person = get_object_or_404(Person.objects.select_related("actor", "user"), pk=pk)
    if not (is_secretariat(request.user) or person.user_id == request.user.pk):
        raise PermissionDenied
    data = services.person_export(person=person, by=request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="personuppgifter-{person.pk}.json"'
    return response


@secretariat_required
@require_http_methods(["GET", "POST"])
def person_anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    return confirm_page(
        request,
        action=lambda: services.person_anonymise(person=person, by=request.user),
        title=_("Anonymise %(person)s") % {"person": person.full_name},
        explanation=_(
            "Use this when the person has left the network. Their name, title, e-mail and mobile "
            "are replaced here and in the record's history, their login is closed and its "
            "two-factor devices removed. Their assignments stay, so what their functions did "
            "keeps its history. This cannot be undone; export their data first if they asked "
            "for it."
        ),
        confirm_label=_("Anonymise"),
        cancel_url=person.get_absolute_url(),
        success_message=_("The person was anonymised."),
        done_url=person.get_absolute_url(),
    )
