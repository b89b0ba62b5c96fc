"""Version 1 of the API for the actors' own systems (``/api/v1/``): typed schemas, an OpenAPI 3
document generated from them, bearer tokens with scopes, errors as RFC 9457 problem details.

Every operation answers for the token's actor only, through the same selectors and services as
the portal's pages (a report goes through ``incidents.services.report_submit`` after the report
form's own validation)."""

import datetime
import hashlib
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query, Schema, Status, Swagger
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from pydantic import Field

from core.queue import publish
from incidents import selectors as incident_selectors
from incidents import services as incident_services
from incidents.forms import ReportForm
from incidents.models import DirectionAcknowledgement
from incidents.picture import selectors as picture_selectors
from incidents.picture.tasks import render_picture_pdf

from . import selectors, services
from .models import ApiToken, Scope

PROBLEM_TYPE = "about:blank"
MAX_PAGE = 100
PK = Path(..., ge=1, le=2**31 - 1)


# --- Problem details ------------------------------------------------------------------------


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = PROBLEM_TYPE
    title: str
    status: int
    detail: str = ""
    errors: list[dict[str, Any]] | None = None


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


class Conflict(Exception):
    pass


def problem(
    request: HttpRequest,
    status: int,
    detail: str = "",
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- Authentication ---------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ssr_<id>_<secret>``. A known token is noted on the request (its
    use is logged whatever the answer); an unknown, revoked or expired one answers 401; each
    request counts against the token's rate limit."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = services.token_find(token)
        request.api_token = found
        if found is None or not found.is_usable:
            return None
        retry_after = services.rate_limit_hit(found)
        if retry_after:
            raise RateLimited(retry_after)
        services.token_touch(found)
        return found


class ProblemNinjaAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Error answers are documented as ``application/problem+json``, as they are sent."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content["application/problem+json"] = content.pop("application/json")
        return schema


api = ProblemNinjaAPI(
    title="SSR API for actor systems",
    version="1",
    description=(
        "Read the incidents your actor is involved in and their situation picture, submit your "
        "actor's situation reports, acknowledge directions, read open requests for support, the "
        "actor registry and your forums' meetings. Authenticate with `Authorization: Bearer "
        "<token>`; tokens are created by the secretariat or the actor's contact person."
    ),
    # Nested in the api app's namespace (its URL names are "api:api-v1:…"); ninja keeps
    # "api-v1" as the namespace of its own patterns.
    urls_namespace="api:api-v1",
    auth=TokenAuth(),
    # ninja's own Swagger UI from the portal's static files (no CDN, no inline script).
    docs=Swagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem(
        request,
        401,
        _("A valid, unexpired and unrevoked bearer token is required."),
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(AuthorizationError)
def _forbidden(request, exc):
    return problem(request, 403, str(exc.message) if hasattr(exc, "message") else "")


@api.exception_handler(PermissionDenied)
def _permission_denied(request, exc):
    return problem(request, 403, str(exc) or _("The token may not do this."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(request, 404, _("Not found."))


@api.exception_handler(NinjaValidationError)
def _invalid_request(request, exc):
    errors = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    return problem(request, 422, _("The request is not valid."), errors=errors)


@api.exception_handler(DjangoValidationError)
def _refused(request, exc):
    return problem(request, 422, " ".join(str(m) for m in exc.messages))


@api.exception_handler(Conflict)
def _conflict(request, exc):
    return problem(request, 409, str(exc))


@api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    return problem(
        request,
        429,
        _("Too many requests with this token; wait and try again."),
        headers={"Retry-After": str(exc.retry_after)},
    )


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return problem(request, exc.status_code, str(exc))


# Every operation may answer these.
COMMON = {400: Problem, 401: Problem, 403: Problem, 422: Problem, 429: Problem}


def _actor_for(request: HttpRequest, scope: str):
    token: ApiToken = request.auth
    if scope not in token.scopes:
        raise PermissionDenied(
            _("The token lacks the scope %(scope)s.") % {"scope": scope},
        )
    return token.actor


def _acting_user(token: ApiToken):
    """Writes are made in the name of the person who created the token, who must still be able
    to act for the actor in the portal."""
    user = token.created_by
    if not user.is_active or not incident_selectors.may_act_for(user, token.actor):
        raise PermissionDenied(
            _(
                "The person who created this token can no longer act for the actor; "
                "ask for a new token."
            )
        )
    return user


# --- Schemas ----------------------------------------------------------------------------------


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=2**31 - 1)


class Page(Schema):
    count: int
    limit: int
    offset: int


def _page(rows, params: PageParams, convert) -> dict[str, Any]:
    count = len(rows) if isinstance(rows, list) else rows.count()
    chunk = rows[params.offset : params.offset + params.limit]
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "items": [convert(row) for row in chunk],
    }


class IncidentOut(Schema):
    id: int
    title: str
    event_type: str | None
    is_exercise: bool
    activated_at: datetime.datetime
    reporting_interval_minutes: int
    portal_url: str


class IncidentPage(Page):
    items: list[IncidentOut]


class PictureOut(Schema):
    id: int
    incident_id: int
    audience: str
    version: int
    summary: str
    needs_and_requests: str
    published_at: datetime.datetime
    actors: list[dict[str, Any]]
    directions: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    requests: list[dict[str, Any]]
    pdf_url: str


class ReportIn(Schema):
    impact: str
    situation: str
    consequences: str = ""
    actions_taken: str = ""
    needs: str = ""
    planned_actions: str = ""
    communication: str = ""
    next_report_due: datetime.datetime | None = None
    sharing_level: str = "forum"


class ReportOut(Schema):
    id: int
    incident_id: int
    actor_id: int
    version: int
    impact: str
    sharing_level: str
    submitted_at: datetime.datetime


class DirectionOut(Schema):
    id: int
    incident_id: int
    text: str
    decided_at: datetime.datetime
    valid_until: datetime.datetime | None
    acknowledged: bool


class AcknowledgementOut(Schema):
    direction_id: int
    actor_id: int
    acknowledged_at: datetime.datetime


class SupportRequestOut(Schema):
    id: int
    incident_id: int
    kind: str
    title: str
    description: str
    priority: str
    status: str
    needed_by: datetime.datetime
    to_anyone: bool
    raised_by_actor: str | None


class SupportRequestPage(Page):
    items: list[SupportRequestOut]


class ActorFunctionOut(Schema):
    function: str
    contact_phone: str
    contact_email: str


class ActorOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    org_number: str
    municipality_code: str
    functions: list[ActorFunctionOut]


class ActorPage(Page):
    items: list[ActorOut]


class MeetingOut(Schema):
    id: int
    forum: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    location: str
    status: str


class MeetingPage(Page):
    items: list[MeetingOut]


# --- Operations -------------------------------------------------------------------------------


def _incident(incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "title": incident.title,
        "event_type": incident.event_type.name if incident.event_type_id else None,
        "is_exercise": incident.is_exercise,
        "activated_at": incident.activated_at,
        "reporting_interval_minutes": incident.reporting_interval_minutes,
        "portal_url": incident.get_absolute_url(),
    }


@api.get("/incidents", response={200: IncidentPage, **COMMON}, tags=["incidents"])
def incidents(request, page: Query[PageParams]):
    """The activated incidents the token's actor is involved in (scope `read_incidents`)."""
    actor = _actor_for(request, Scope.READ_INCIDENTS)
    return _page(selectors.involved_incidents(actor), page, _incident)


def _involved(actor, incident_id: int):
    incident = selectors.involved_incident(actor, incident_id)
    if incident is None:
        raise Http404
    return incident


@api.get(
    "/incidents/{incident_id}/picture",
    response={200: PictureOut, 304: None, 404: Problem, **COMMON},
    tags=["incidents"],
)
def picture(request, incident_id: int = PK):
    """The newest published situation picture as the actor sees it (scope `read_incidents`).
    Send the `ETag` back in `If-None-Match`: 304 while nothing changed."""
    actor = _actor_for(request, Scope.READ_INCIDENTS)
    incident = _involved(actor, incident_id)
    shown = selectors.latest_picture_for(incident)
    if shown is None:
        raise Http404
    etag = '"{}"'.format(
        hashlib.sha256(f"{shown.pk}:{shown.audience}:{shown.version}".encode()).hexdigest()[:32]
    )
    wanted = request.headers.get("If-None-Match", "")
    if etag in [t.strip() for t in wanted.split(",")] or wanted.strip() == "*":
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    body = {
        "id": shown.pk,
        "incident_id": incident.pk,
        "audience": shown.audience,
        "version": shown.version,
        "summary": shown.summary,
        "needs_and_requests": shown.needs_and_requests,
        "published_at": shown.published_at,
        "actors": picture_selectors.snapshot_rows(shown),
        "directions": shown.directions_snapshot,
        "messages": shown.messages_snapshot,
        "requests": shown.requests_snapshot if shown.audience == "full" else [],
        "pdf_url": reverse("api:api-v1:picture_pdf", args=[incident.pk]),
    }
    response = api.create_response(request, PictureOut(**body).model_dump(mode="json"), status=200)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@api.get(
    "/incidents/{incident_id}/picture.pdf",
    response={404: Problem, 503: Problem, **COMMON},
    openapi_extra={
        "responses": {
            200: {
                "description": "The PDF of the newest picture",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    tags=["incidents"],
)
def picture_pdf(request, incident_id: int = PK):
    """The PDF of the newest published situation picture (scope `read_incidents`)."""
    actor = _actor_for(request, Scope.READ_INCIDENTS)
    incident = _involved(actor, incident_id)
    shown = selectors.latest_picture_for(incident)
    if shown is None:
        raise Http404
    if not shown.pdf:
        publish(render_picture_pdf, shown.pk)
        shown.refresh_from_db()
    if not shown.pdf:
        return problem(request, 503, _("The PDF is being rendered."), headers={"Retry-After": "10"})
    return FileResponse(
        shown.pdf.open("rb"),
        filename=f"lagesbild-v{shown.version}-{shown.audience}.pdf",
        content_type="application/pdf",
    )


@api.post(
    "/incidents/{incident_id}/reports",
    response={201: ReportOut, 404: Problem, **COMMON},
    tags=["incidents"],
)
def report_submit(request, payload: ReportIn, incident_id: int = PK):
    """Submit the actor's situation report (scope `submit_reports`): a new version, validated
    as the portal's report form validates it."""
    actor = _actor_for(request, Scope.SUBMIT_REPORTS)
    incident = _involved(actor, incident_id)
    user = _acting_user(request.auth)
    data = payload.model_dump()
    if data["next_report_due"] is not None:
        data["next_report_due"] = data["next_report_due"].isoformat()
    else:
        data["next_report_due"] = ""
    form = ReportForm(data)
    if not form.is_valid():
        errors = [
            {"loc": ["body", "payload", field], "msg": " ".join(str(m) for m in messages)}
            for field, messages in form.errors.items()
        ]
        return problem(request, 422, _("The report is not valid."), errors=errors)
    report = incident_services.report_submit(
        incident=incident, actor=actor, submitted_by=user, **form.cleaned_data
    )
    return Status(201, report)


@api.get(
    "/incidents/{incident_id}/directions",
    response={200: list[DirectionOut], 404: Problem, **COMMON},
    tags=["incidents"],
)
def directions(request, incident_id: int = PK):
    """The incident's directions, with whether the actor has acknowledged each (scope
    `read_incidents`)."""
    actor = _actor_for(request, Scope.READ_INCIDENTS)
    incident = _involved(actor, incident_id)
    return [
        {
            "id": d.pk,
            "incident_id": d.incident_id,
            "text": d.text,
            "decided_at": d.decided_at,
            "valid_until": d.valid_until,
            "acknowledged": d.acknowledged,
        }
        for d in selectors.directions_of(incident, actor)
    ]


@api.post(
    "/directions/{direction_id}/acknowledgement",
    response={201: AcknowledgementOut, 404: Problem, 409: Problem, **COMMON},
    tags=["incidents"],
)
def direction_acknowledge(request, direction_id: int = PK):
    """Acknowledge a direction for the actor (scope `acknowledge_directions`); 409 if it was
    acknowledged already."""
    actor = _actor_for(request, Scope.ACKNOWLEDGE_DIRECTIONS)
    direction = selectors.direction_for(actor, direction_id)
    if direction is None:
        raise Http404
    user = _acting_user(request.auth)
    if DirectionAcknowledgement.objects.filter(direction=direction, actor=actor).exists():
        raise Conflict(_("%(actor)s has already acknowledged this direction.") % {"actor": actor})
    ack = incident_services.direction_acknowledge(direction=direction, actor=actor, by=user)
    return Status(
        201,
        {
            "direction_id": direction.pk,
            "actor_id": actor.pk,
            "acknowledged_at": ack.acknowledged_at,
        },
    )


@api.get("/support-requests", response={200: SupportRequestPage, **COMMON}, tags=["incidents"])
def support_requests(request, page: Query[PageParams]):
    """Open requests for support that ask the actor (scope `read_incidents`)."""
    actor = _actor_for(request, Scope.READ_INCIDENTS)

    def convert(r) -> dict[str, Any]:
        return {
            "id": r.pk,
            "incident_id": r.incident_id,
            "kind": r.kind,
            "title": r.title,
            "description": r.description,
            "priority": r.priority,
            "status": r.status,
            "needed_by": r.needed_by,
            "to_anyone": r.to_anyone,
            "raised_by_actor": r.raised_by_actor.name if r.raised_by_actor_id else None,
        }

    return _page(selectors.open_requests_for(actor), page, convert)


@api.get("/actors", response={200: ActorPage, **COMMON}, tags=["registry"])
def actors(request, page: Query[PageParams]):
    """The actor registry's public parts: actors and their functions' shared contact paths
    (scope `read_registry`)."""
    _actor_for(request, Scope.READ_REGISTRY)

    def convert(a) -> dict[str, Any]:
        return {
            "id": a.pk,
            "name": a.name,
            "short_name": a.short_name,
            "kind": a.kind,
            "org_number": a.org_number,
            "municipality_code": a.municipality_code,
            "functions": [
                {
                    "function": f.function.name,
                    "contact_phone": f.contact_phone,
                    "contact_email": f.contact_email,
                }
                for f in a.actor_functions.all()
            ],
        }

    return _page(selectors.registry(), page, convert)


@api.get("/meetings", response={200: MeetingPage, **COMMON}, tags=["registry"])
def meetings(request, page: Query[PageParams], upcoming: bool = False):
    """The meetings of the forums where the actor fills a seat (scope `read_registry`)."""
    actor = _actor_for(request, Scope.READ_REGISTRY)

    def convert(m) -> dict[str, Any]:
        return {
            "id": m.pk,
            "forum": m.forum.name,
            "title": m.title,
            "starts_at": m.starts_at,
            "ends_at": m.ends_at,
            "location": m.location,
            "status": m.status,
        }

    return _page(selectors.meetings_of(actor, upcoming_only=upcoming), page, convert)
