"""The secretariat's pages for the actors' identity providers and the sign-ups they vouch for."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import secretariat_required
from core.pages import confirm_page, form_page

from . import identity
from .forms import IdentityProviderForm, SignupApproveForm
from .models import IdentityProvider, SignupRequest


@secretariat_required
@require_GET
def identity_provider_list(request: HttpRequest) -> HttpResponse:
    context = {
        "providers": identity.provider_list(),
        "pending_count": SignupRequest.objects.filter(status=SignupRequest.Status.PENDING).count(),
    }
    return render(request, "actors/identity_provider_list.html", context)


@secretariat_required
@require_http_methods(["GET", "POST"])
def identity_provider_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        form=IdentityProviderForm(request.POST or None),
        title=_("New identity provider"),
        save=lambda data: identity.identity_provider_create(**data),
        success_message=_("%(object)s was created."),
        cancel_url=reverse("actors:identity_provider_list"),
        success_url=reverse("actors:identity_provider_list"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def identity_provider_update(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(IdentityProvider.objects.select_related("actor"), pk=pk)
    return form_page(
        request,
        form=IdentityProviderForm(request.POST or None, instance=provider),
        title=_("Edit %(provider)s") % {"provider": provider},
        save=lambda data: identity.identity_provider_update(provider=provider, **data),
        success_message=_("%(object)s was saved."),
        cancel_url=reverse("actors:identity_provider_list"),
        success_url=reverse("actors:identity_provider_list"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def identity_provider_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(IdentityProvider, pk=pk)
    return confirm_page(
        request,
        action=lambda: identity.identity_provider_set_active(provider=provider, active=False),
        title=_("Deactivate %(provider)s") % {"provider": provider},
        explanation=_(
            "Nobody can log in through this provider until it is activated again. People who "
            "have no password of the portal cannot log in at all meanwhile; sessions already "
            "open stay open."
        ),
        confirm_label=_("Deactivate"),
        cancel_url=reverse("actors:identity_provider_list"),
        success_message=_("The provider was deactivated."),
        done_url=reverse("actors:identity_provider_list"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def identity_provider_activate(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(IdentityProvider, pk=pk)
    return confirm_page(
        request,
        action=lambda: identity.identity_provider_set_active(provider=provider, active=True),
        title=_("Activate %(provider)s") % {"provider": provider},
        explanation=_("People of the provider's e-mail domains log in through it again."),
        confirm_label=_("Activate"),
        cancel_url=reverse("actors:identity_provider_list"),
        success_message=_("The provider was activated."),
        done_url=reverse("actors:identity_provider_list"),
    )


@secretariat_required
@require_GET
def signup_request_list(request: HttpRequest) -> HttpResponse:
    requests_ = identity.signup_request_list()
    context = {
        "pending": requests_.filter(status=SignupRequest.Status.PENDING),
        "decided": requests_.exclude(status=SignupRequest.Status.PENDING)[:50],
    }
    return render(request, "actors/signup_request_list.html", context)


def _pending_or_list(request: HttpRequest, pk: int) -> SignupRequest | HttpResponse:
    signup = get_object_or_404(SignupRequest.objects.select_related("actor"), pk=pk)
    if not signup.is_pending:
        messages.info(request, _("The request has already been decided."))
        return redirect("actors:signup_request_list")
    return signup


@secretariat_required
@require_http_methods(["GET", "POST"])
def signup_request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    signup = _pending_or_list(request, pk)
    if isinstance(signup, HttpResponse):
        return signup
    initial = {"first_name": signup.first_name, "last_name": signup.last_name}
    return form_page(
        request,
        form=SignupApproveForm(request.POST or None, initial=initial),
        title=_("Approve a login for %(email)s at %(actor)s")
        % {"email": signup.email, "actor": signup.actor},
        save=lambda data: identity.signup_request_approve(
            signup=signup, by=request.user, request=request, **data
        ),
        success_message=_("%(object)s can now log in."),
        cancel_url=reverse("actors:signup_request_list"),
        success_url=reverse("actors:signup_request_list"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def signup_request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    signup = _pending_or_list(request, pk)
    if isinstance(signup, HttpResponse):
        return signup
    return confirm_page(
        request,
        action=lambda: identity.signup_request_reject(
            signup=signup, by=request.user, request=request
        ),
        title=_("Reject the request of %(email)s") % {"email": signup.email},
        explanation=_(
            "They get no login. Logging in through their organisation again shows them that the "
            "request was declined."
        ),
        confirm_label=_("Reject"),
        cancel_url=reverse("actors:signup_request_list"),
        success_message=_("The request was rejected."),
        done_url=reverse("actors:signup_request_list"),
    )
