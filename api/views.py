"""Pages where the secretariat (any actor) and an actor's contact person (their actor) create and
revoke the tokens of the actors' systems. A new token's secret is shown once, on the list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import idempotency
from core.pages import apply_errors, confirm_page

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

    def answer() -> HttpResponse:
        if request.method == "POST" and form.is_valid():
            try:
                created = services.token_create(
                    actor=form.cleaned_data["actor"],
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.expires_at(),
                    by=request.user,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "expires_at" in exc.error_dict:
                    exc.error_dict["expires_on"] = exc.error_dict.pop("expires_at")
                apply_errors(form, exc)
            else:
                request.session[NEW_SECRET] = {"id": created.token.pk, "secret": created.secret}
                messages.success(request, _("The token was created. Copy it now."))
                return redirect("api:token_list")
        return render(
            request,
            "core/form.html",
            {
                "form": form,
                "title": _("New API token"),
                "cancel_url": reverse("api:token_list"),
                "idempotency_key": idempotency.new_key(),
            },
            status=400 if form.errors else 200,
        )

    if request.method == "POST":  # a repeated submit must not create a second token
        return idempotency.once(request, answer)
    return answer()


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
