"""Pages where the secretariat (any actor) and an actor's contact person (their actor) create and
revoke the tokens of the actors' systems. A new token's secret is shown once, on the list."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.pages import confirm_page, form_page

from . import selectors, services
from .forms import TokenForm
from .models import ApiToken

# The session key under which a new token's secret waits to be shown once.
NEW_SECRET = "api_new_token_secret"


def _require_manager(request: HttpRequest) -> None:
    if not selectors.may_manage_tokens(request.user):
        raise PermissionDenied


@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    new = request.session.pop(NEW_SECRET, None)
    return render(
        request,
        "api/token_list.html",
        {"tokens": list(selectors.tokens_for(request.user)), "new": new},
    )


@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = TokenForm(request.POST or None, actors=selectors.manageable_actors(request.user))

    def save(data: dict) -> None:
        try:
            created = services.token_create(
                actor=data["actor"],
                name=data["name"],
                scopes=data["scopes"],
                expires_at=form.expires_at(),
                by=request.user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "expires_at" in exc.error_dict:
                exc.error_dict["expires_on"] = exc.error_dict.pop("expires_at")  # the form's
            raise
        request.session[NEW_SECRET] = {"id": created.token.pk, "secret": created.secret}

    # A repeated submit must not create a second token (form_page's idempotency key).
    return form_page(
        request,
        form=form,
        title=_("New API token"),
        save=save,
        success_message=_("The token was created. Copy it now."),
        cancel_url=reverse("api:token_list"),
        success_url=reverse("api:token_list"),
    )


@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.select_related("actor"), pk=pk)
    if not selectors.may_manage_tokens_of(request.user, token.actor):
        raise PermissionDenied
    return confirm_page(
        request,
        action=lambda: services.token_revoke(token=token, by=request.user),
        title=_("Revoke the token of %(system)s?") % {"system": token.name},
        explanation=_(
            "%(actor)s's system %(system)s can no longer use the API with this token. "
            "This cannot be undone."
        )
        % {"actor": token.actor.name, "system": token.name},
        confirm_label=_("Revoke the token"),
        cancel_url=reverse("api:token_list"),
        success_message=_("The token was revoked."),
        done_url="api:token_list",
    )
