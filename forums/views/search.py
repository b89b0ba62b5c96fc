"""The search of meetings: agendas, decisions and minutes of the forums a user may open."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.search import MAX_QUERY_LENGTH, clean_query, search

from ..search import meeting_kinds


@require_GET
def meeting_search(request: HttpRequest) -> HttpResponse:
    q = clean_query(request.GET.get("q"))
    kind = request.GET.get("kind", "")
    groups = search(meeting_kinds(request.user), q, only=kind, page=request.GET.get("page"))
    return render(
        request,
        "forums/search.html",
        {
            "q": q,
            "groups": groups,
            "single": bool(groups) and groups[0].page is not None,
            "page_query": urlencode({"q": q, "kind": kind}),
            "max_length": MAX_QUERY_LENGTH,
        },
    )
