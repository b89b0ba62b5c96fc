"""Forums: the list (members see the forums they hold a seat in, the secretariat all of
them), the forum page with its composition, meetings, decisions and action items, editing,
and the decisions as CSV."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import secretariat_required
from core.audit import audited
from core.csv_export import csv_response
from core.models import AuditEvent
from core.pages import form_page

from .. import access, selectors, services
from ..composition import cached_forum_composition
from ..forms import ForumForm
from ..models import Forum


@require_GET
def forum_list(request: HttpRequest) -> HttpResponse:
    forums = list(selectors.forums_visible_to(request.user))
    levels: dict[Any, list[Forum]] = {}
    for forum in forums:
        levels.setdefault(forum.level, []).append(forum)
    return render(request, "forums/forum_list.html", {"levels": levels.items()})


@require_GET
def forum_detail(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_object_or_404(
        Forum.objects.select_related("level", "parent", "convening_actor"), pk=pk
    )
    access.forum_for(request.user, forum)
    upcoming, past = selectors.forum_meetings(forum=forum)
    context = {
        "forum": forum,
        "composition": cached_forum_composition(forum=forum),
        "upcoming": upcoming,
        "past": past[:20],
        "decisions": list(selectors.forum_decisions(forum=forum)[:50]),
        "action_items": list(selectors.forum_open_action_items(forum=forum)),
        "subforums": list(forum.subforums.all()),
    }
    return render(request, "forums/forum_detail.html", context)


@secretariat_required
@require_http_methods(["GET", "POST"])
def forum_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        form=ForumForm(request.POST or None),
        title=_("New forum"),
        save=lambda data: services.forum_create(**data),
        success_message=_("The forum was created. Add its seats."),
        cancel_url=reverse("forums:forum_list"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def forum_update(request: HttpRequest, pk: int) -> HttpResponse:
    forum = get_object_or_404(Forum, pk=pk)
    return form_page(
        request,
        form=ForumForm(request.POST or None, instance=forum),
        title=_("Edit %(forum)s") % {"forum": forum.name},
        save=lambda data: services.forum_update(forum=forum, **data),
        success_message=_("The forum was saved."),
        cancel_url=forum.get_absolute_url(),
    )


@audited(AuditEvent.Kind.EXPORT, model=Forum)
@require_GET
def decisions_csv(request: HttpRequest, pk: int) -> HttpResponse:
    forum = access.forum_for(request.user, get_object_or_404(Forum, pk=pk))
    response, writer = csv_response(f"beslut-forum-{forum.pk}.csv")
    writer.writerow([_("Number"), _("Date"), _("Meeting"), _("Agenda item"), _("Decision")])
    for decision in selectors.forum_decisions(forum=forum):
        writer.writerow(
            [
                decision.reference,
                timezone.localtime(decision.meeting.starts_at).date().isoformat(),
                decision.meeting.display_title,
                str(decision.agenda_item) if decision.agenda_item else "",
                decision.text,
            ]
        )
    return response
