"""Two-factor login (TOTP with django-otp): required for the secretariat, for anyone with RSIB or
RKK shifts, and for everyone when REQUIRE_2FA_FOR_ALL is on. Backup codes for a lost phone; the
secretariat can reset another user's devices.

A session that has passed the password but not the second factor reaches only the verification
page, the enrolment page while the user has no device yet, and logging out: everything else,
resetting devices included, needs a verified session. A reset also needs the password entered
again within the last few minutes (sudo mode, ``ssr_portal.sudo``), never applies to one's own
devices (backup codes are for that), and a superuser's devices are reset only by a superuser.
"""

import base64
import functools
import logging
import secrets
from collections.abc import Callable
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import audit
from core.access import is_secretariat, secretariat_required

from .auth_cache import DUTY_ATTRIBUTE, duty_until
from .sudo import SudoForm, sudo_confirm, sudo_is_fresh

logger = logging.getLogger(__name__)
# Reachable before the second factor: exactly the verification and enrolment pages (by name,
# resolved once), and public prefixes that need no login at all.
UNVERIFIED_URL_NAMES = ("two_factor_verify", "two_factor_setup", "logout")
EXEMPT_PREFIXES = (
    "/konto/aterstall-losenord/",
    "/konto/aterstall/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/tillganglighet/",
)


@functools.cache
def _unverified_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in UNVERIFIED_URL_NAMES)


def reachable_unverified(path: str) -> bool:
    return path in _unverified_paths() or path.startswith(EXEMPT_PREFIXES)


def has_code_device(user: Any) -> bool:
    """Whether the user has enrolled a device of their own (TOTP, backup codes). The device that
    stands for a second factor asserted by an identity provider (``IdentityProviderDevice``)
    takes no codes, so it is not an enrolment."""
    from .models import IdentityProviderDevice

    return any(not isinstance(device, IdentityProviderDevice) for device in devices_for_user(user))


_UNKNOWN = object()


def requires_two_factor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if settings.REQUIRE_2FA_FOR_ALL or is_secretariat(user):
        return True
    until = getattr(user, DUTY_ATTRIBUTE, _UNKNOWN)  # read with the user from the cache
    if until is _UNKNOWN:
        until = duty_until(user)
    return until is not None and until > timezone.now()


class TwoFactorRequiredMiddleware:
    """After django-otp's middleware: users who must use two factors get no page until they have."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not reachable_unverified(request.path)
            and not user.is_verified()
            and requires_two_factor(user)
        ):
            target = "two_factor_verify" if has_code_device(user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=gettext_lazy("The six digits in your authenticator app, or a backup code."),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return reverse("home")
    return target


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            logger.info("2FA verified for %s", request.user)
            return redirect(_next(request))
        audit.record(audit.Kind.OTP_FAILED, request=request, subject_user=request.user)
        form.add_error("token", _("The code is wrong or has expired. Try the next code."))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    if has_code_device(request.user):
        return redirect("two_factor_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="app", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                backup = StaticDevice.objects.create(user=request.user, name="backup")
                codes = [secrets.token_hex(4) for _ in range(10)]
                for code in codes:
                    StaticToken.objects.create(device=backup, token=code)
                audit.record(audit.Kind.OTP_ENROLLED, request=request, subject_user=request.user)
            otp_login(request, device)
            logger.info("2FA enrolled for %s", request.user)
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error("token", _("The code is wrong. Check the time on your phone and try again."))
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#1b1b1b", light="#ffffff"
    )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "registration/two_factor_setup.html",
        {"form": form, "qr": qr, "secret": secret, "next": _next(request)},
        status=400 if form.errors else 200,
    )


def _may_reset(request: HttpRequest, user: Any) -> bool:
    """Nobody resets their own devices (backup codes are for a lost phone), and only a superuser
    resets a superuser's."""
    if user.pk == request.user.pk:
        return False
    return request.user.is_superuser or not user.is_superuser


@secretariat_required
@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """Lost phone: the secretariat removes another user's devices; the next login enrols anew.

    Asks for the secretariat user's password again unless it was entered in the last minutes.
    """
    user = get_object_or_404(get_user_model(), pk=user_id)
    if not request.user.is_verified() or not _may_reset(request, user):
        raise PermissionDenied
    needs_password = not sudo_is_fresh(request)
    data = request.POST if request.method == "POST" else None
    form = SudoForm(data, request=request) if needs_password else None
    if request.method == "POST" and (form is None or form.is_valid()):
        if form is not None:
            sudo_confirm(request)
        with transaction.atomic():
            for device in devices_for_user(user, confirmed=None):
                device.delete()
            audit.record(audit.Kind.OTP_RESET, request=request, subject_user=user, obj=user)
        logger.warning("2FA reset for %s by %s", user, request.user)
        messages.success(request, _("Two-factor login was reset for %(user)s.") % {"user": user})
        return redirect(_next(request))
    return render(
        request,
        "registration/two_factor_reset.html",
        {"form": form, "subject": user, "next": _next(request)},
        status=400 if form is not None and form.errors else 200,
    )
