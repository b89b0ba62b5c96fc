"""Site-wide pages: the home page, the accessibility statement, the service worker and the health
endpoints."""

import datetime

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from actors import selectors as actor_selectors
from actors.models import Person
from api import selectors as api_selectors
from core import audit
from core.access import secretariat_required
from core.cache import cache_errors
from forums import selectors as forum_selectors
from incidents import crisis
from incidents import selectors as incident_selectors
from incidents.signal_alerts import open_signals_for

# Change these when the portal is assessed again or the statement changes (DIGG asks for both).
ACCESSIBILITY_ASSESSED = datetime.date(2026, 11, 22)
ACCESSIBILITY_STATEMENT_UPDATED = datetime.date(2026, 11, 22)


def home(request: HttpRequest) -> HttpResponse:
    """A member's start: during an active incident the crisis banner first (the incident, its
    state and my next steps in it), then my functions, forums, next meetings and my actor's open
    actions."""
    person = Person.objects.filter(user=request.user).select_related("actor").first()
    today = timezone.localdate()
    assignments = (
        [a for a in actor_selectors.person_assignments(person=person) if a.is_current_on(today)]
        if person
        else []
    )
    action_items = (
        list(forum_selectors.open_action_items_for_actor(actor=person.actor)[:10]) if person else []
    )
    # The actors I speak for, from what is loaded already (the crisis banner needs them).
    actors = incident_selectors.actors_spoken_for(person, assignments) if person else []
    coordinator = incident_selectors.can_coordinate(request.user)
    context = {
        "person": person,
        "assignments": assignments,
        "forums": list(forum_selectors.forums_visible_to(request.user)[:20]),
        "meetings": list(forum_selectors.meetings_for_user(request.user, upcoming_only=True)[:5]),
        "action_items": action_items,
        "crisis": crisis.cached_next_steps_for(request.user, actors=actors),
        "coordinator": coordinator,
        # The RSIB's open signals first (none for anybody else).
        "open_signals": list(open_signals_for(request.user)[:20]) if coordinator else [],
        "may_manage_tokens": api_selectors.may_manage_tokens(request.user),
    }
    return render(request, "home.html", context)


def _service_worker_source() -> bytes:
    with open(finders.find("sw.js"), "rb") as source:  # a few kilobytes, read when asked
        return source.read()


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker that keeps the last opened situation picture readable offline
    (static/sw.js). Served from the site's root so that its scope is the whole portal; no-cache,
    so that a new version is picked up at the next visit. Public, like any static file: it holds
    no data, and a browser checks it for updates after the session has ended too."""
    response = HttpResponse(
        _service_worker_source(), content_type="application/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The tillgänglighetsredogörelse, in the structure DIGG prescribes."""
    return render(
        request,
        "accessibility.html",
        {"assessed": ACCESSIBILITY_ASSESSED, "updated": ACCESSIBILITY_STATEMENT_UPDATED},
    )


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    timeout = settings.CACHE_TIMEOUT_SECONDS
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 whenever the process answers. Nothing else is checked, so that an outage of
    the database or Redis never has the process restarted (readiness is /healthz/ready)."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def healthz_ready(request: HttpRequest) -> JsonResponse:
    """Readiness for load balancers: 200 when the database answers, 503 when it does not.
    Redis is reported (and the cache operations that fell back to the database are counted) but
    not fatal: every page works without it, and queued work waits in the database."""
    checks = {}
    try:
        checks["database"] = _check_database()
    except Exception as exc:  # any failure of the database is a 503, never a 500
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        checks["redis"] = _check_redis()
    except Exception as exc:  # reported only
        checks["redis"] = f"error: {exc.__class__.__name__}"
    ready = checks["database"] == "ok"
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            "checks": checks,
            "cache_errors": cache_errors(),
        },
        status=200 if ready else 503,
    )


@login_not_required
@require_GET
def bench_floor(request: HttpRequest) -> HttpResponse:
    """The benchmarks' floor: the whole middleware stack and nothing else (no query, no
    template). Routed only when BENCH_FLOOR_VIEW is on (see ssr_portal/urls.py)."""
    return HttpResponse(b"ok", content_type="text/plain; charset=utf-8")


@secretariat_required
@require_http_methods(["GET", "POST"])
def lockouts(request: HttpRequest) -> HttpResponse:
    """The secretariat sees failed logins and lifts a lock."""
    from axes.models import AccessAttempt
    from axes.utils import reset

    if request.method == "POST":
        username = request.POST.get("username", "")
        reset(username=username)
        audit.record(audit.Kind.UNLOCK, request=request, detail=username)
        messages.success(request, _("The lock on %(user)s was lifted.") % {"user": username})
        return redirect("lockouts")
    attempts = AccessAttempt.objects.order_by("-attempt_time")[:200]
    return render(request, "registration/lockouts.html", {"attempts": attempts})
