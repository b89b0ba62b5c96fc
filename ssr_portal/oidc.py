"""Login with the home organisation's OpenID Connect provider (authorisation code flow + PKCE).

mozilla-django-oidc is built for one provider named in the settings, and its token check
verifies the signature, ``exp`` and the nonce but neither the issuer nor the audience. So:

- the start of the flow uses the library's own helpers (state, nonce and PKCE code verifier
  kept per state in the session, S256 challenge) with the actor's provider;
- ``ProviderBackend`` subclasses the library's backend per provider (its token exchange is
  kept) and replaces the token check with a complete one: signature against the provider's
  key set (cached, fetched again once for an unknown key id), ``iss``, ``aud``/``azp``,
  ``exp``, ``iat`` not in the future, the single-use nonce; then ``email_verified``, the
  e-mail's domain belonging to that provider, and the person belonging to its actor;
- the callback pops the state from the session before anything else, so a state is used once.

Every refusal is a ``Refused`` with a reason: an audit event and a page that says so, never a
500. A provider that asserts a second factor (``amr``/``acr``, per provider) verifies the
session through ``IdentityProviderDevice``; otherwise the portal's own TOTP applies as after a
password.
"""

import hashlib
import logging
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django import forms
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, get_random_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import (
    add_state_and_verifier_and_nonce_to_session,
    generate_code_challenge,
)

from actors import identity
from actors.models import IdentityProvider, Person, SignupRequest
from core import audit
from notifications.models import Channel
from notifications.services import Outgoing, notifications_queue

from .models import IdentityProviderDevice

logger = logging.getLogger(__name__)

# Asymmetric algorithms only: "none" and HS256 (a key the client itself knows) are refused.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
# The session key of the sign-up request a provider login ended in (for the waiting page).
SIGNUP_SESSION_KEY = "oidc_signup_request"
# The session's provider, for the record and for logging out.
PROVIDER_SESSION_KEY = "oidc_provider"
# The outbox kind of the secretariat's notice of a new sign-up request.
SIGNUP_KIND = "signup_request"
# Backend recorded in the session: the user is an ordinary row, loaded as ModelBackend does.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


class Refused(Exception):
    """A provider login that must not go on; ``reason`` is one of ``MESSAGES``."""

    def __init__(self, reason: str, detail: str = "", *, email: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.email = email


class SignupPending(Exception):
    def __init__(self, signup: SignupRequest) -> None:
        super().__init__(signup.email)
        self.signup = signup


MESSAGES = {
    "unknown_state": gettext_lazy(
        "This login link has already been used or has expired. Start the login again."
    ),
    "provider_error": gettext_lazy("Your organisation's login service did not log you in."),
    "provider_inactive": gettext_lazy(
        "Login through your organisation is no longer open. Log in with your password."
    ),
    "unreachable": gettext_lazy(
        "Your organisation's login service cannot be reached just now. Try again in a while."
    ),
    "token_exchange": gettext_lazy("Your organisation's login service did not confirm the login."),
    "bad_token": gettext_lazy("The answer of your organisation's login service is not valid."),
    "signature": gettext_lazy("The answer of your organisation's login service is not signed."),
    "issuer": gettext_lazy("The answer comes from another login service than your organisation's."),
    "audience": gettext_lazy("The answer of the login service was not meant for this portal."),
    "expired": gettext_lazy("The answer of the login service has expired. Start the login again."),
    "iat_future": gettext_lazy("The answer of the login service is dated in the future."),
    "nonce": gettext_lazy("The answer does not belong to this login. Start the login again."),
    "email_unverified": gettext_lazy(
        "Your organisation's login service has not verified your e-mail address."
    ),
    "domain": gettext_lazy("Your e-mail address does not belong to that organisation."),
    "actor": gettext_lazy(
        "You are registered at another organisation than the one you logged in through."
    ),
    "ambiguous": gettext_lazy(
        "More than one person has your e-mail address. Contact the secretariat."
    ),
    "inactive": gettext_lazy("Your login is closed. Contact the secretariat."),
    "rejected": gettext_lazy("Your request for a login was declined. Contact the secretariat."),
}


# --- Provider metadata and keys -----------------------------------------------------------------


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise Refused("unreachable", f"{url}: {exc}") from exc
    if not isinstance(data, dict):
        raise Refused("unreachable", f"{url}: not a JSON object")
    return data


def _cache_key(kind: str, url: str) -> str:
    return f"oidc:{kind}:{hashlib.sha256(url.encode()).hexdigest()}"


def provider_metadata(provider: IdentityProvider) -> dict[str, str]:
    """The endpoints: as configured, or from the issuer's discovery document (cached). The
    document's issuer must be the configured one (OpenID Connect Discovery 1.0, 4.3)."""
    if not provider.uses_discovery:
        return {
            "issuer": provider.issuer,
            "authorization_endpoint": provider.authorization_endpoint,
            "token_endpoint": provider.token_endpoint,
            "jwks_uri": provider.jwks_uri,
        }
    url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
    key = _cache_key("discovery", url)
    document = cache.get(key)
    if document is None:
        document = _get_json(url)
        missing = [
            name
            for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
            if not isinstance(document.get(name), str)
        ]
        if missing:
            raise Refused("unreachable", f"discovery without {', '.join(missing)}")
        cache.set(key, document, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    if document["issuer"] != provider.issuer:
        raise Refused("issuer", f"discovery names {document['issuer']}")
    return {
        name: document[name] for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")
    }


def _jwks(url: str, *, refresh: bool = False) -> list[dict]:
    key = _cache_key("jwks", url)
    keys = None if refresh else cache.get(key)
    if keys is None:
        keys = _get_json(url).get("keys")
        if not isinstance(keys, list):
            raise Refused("unreachable", "a key set without keys")
        cache.set(key, keys, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return keys


def _matching_key(keys: list[dict], header: dict) -> dict | None:
    candidates = [
        k
        for k in keys
        if isinstance(k, dict)
        and k.get("use", "sig") == "sig"
        and ("alg" not in k or k["alg"] == header.get("alg"))
    ]
    if header.get("kid"):
        candidates = [k for k in candidates if k.get("kid") == header["kid"]]
        return candidates[0] if candidates else None
    # Without a key id, only a single signing key is unambiguous.
    return candidates[0] if len(candidates) == 1 else None


# --- The backend --------------------------------------------------------------------------------


class ProviderBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend for one actor's provider.

    Not in AUTHENTICATION_BACKENDS: the callback calls it with its provider. What is kept of the
    library: ``authenticate`` (the code for tokens, with the PKCE verifier) and ``get_token``.
    """

    def __init__(self, provider: IdentityProvider, metadata: dict[str, str]) -> None:
        # The library's __init__ reads a single provider from the settings; these are the same
        # attributes, per provider.
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_OP_USER_ENDPOINT = None
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = auth.get_user_model()
        self.claims: dict[str, Any] = {}

    def get_token(self, payload: dict) -> dict:
        try:
            return super().get_token(payload)
        except requests.RequestException as exc:
            detail = getattr(exc.response, "text", "") or str(exc)
            raise Refused("token_exchange", detail[:300]) from exc

    def retrieve_matching_jwk(self, token: str) -> Any:
        header = jwt.get_unverified_header(token)
        jwk = _matching_key(_jwks(self.OIDC_OP_JWKS_ENDPOINT), header)
        if jwk is None:  # the provider may have rotated its keys: fetch them once more
            jwk = _matching_key(_jwks(self.OIDC_OP_JWKS_ENDPOINT, refresh=True), header)
        if jwk is None:
            raise Refused("signature", f"no key {header.get('kid')!r} in the provider's key set")
        try:
            return jwt.PyJWK(jwk, algorithm=header["alg"])
        except jwt.PyJWTError as exc:
            raise Refused("signature", str(exc)) from exc

    def verify_token(self, token: str, **kwargs: Any) -> dict:
        """The ID token's signature and claims, all of them (OpenID Connect Core 3.1.3.7)."""
        if not isinstance(token, str) or not token:
            raise Refused("bad_token", "no id_token in the token response")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Refused("bad_token", str(exc)) from exc
        if header.get("alg") not in ALGORITHMS:
            raise Refused("signature", f"algorithm {header.get('alg')!r}")
        key = self.retrieve_matching_jwk(token)
        skew = settings.OIDC_CLOCK_SKEW_SECONDS
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[header["alg"]],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.provider.issuer,
                leeway=skew,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidSignatureError as exc:
            raise Refused("signature", str(exc)) from exc
        except jwt.InvalidIssuerError as exc:
            raise Refused("issuer", str(exc)) from exc
        except jwt.InvalidAudienceError as exc:
            raise Refused("audience", str(exc)) from exc
        except jwt.ExpiredSignatureError as exc:
            raise Refused("expired", str(exc)) from exc
        except jwt.ImmatureSignatureError as exc:
            raise Refused("iat_future", str(exc)) from exc
        except jwt.PyJWTError as exc:
            raise Refused("bad_token", str(exc)) from exc
        # Checked here too, whatever the version of PyJWT does.
        if int(claims["iat"]) > time.time() + skew:
            raise Refused("iat_future", f"iat {claims['iat']}")
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if "azp" in claims and claims["azp"] != self.OIDC_RP_CLIENT_ID:
            raise Refused("audience", f"azp {claims['azp']!r}")
        if len(audiences) > 1 and "azp" not in claims:
            raise Refused("audience", "several audiences and no azp")
        nonce = kwargs.get("nonce")
        if not nonce or not constant_time_compare(str(claims.get("nonce", "")), nonce):
            raise Refused("nonce", "the nonce is not this login's")
        self.claims = claims
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: dict) -> dict:
        # The signed ID token is the source: amr/acr are only there, and a userinfo answer is
        # not signed.
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        email = str(claims.get("email") or "").strip().lower()
        if claims.get("email_verified") is not True or not email:
            raise Refused("email_unverified", f"email_verified={claims.get('email_verified')!r}")
        if not self.provider.domains.filter(domain=identity.email_domain(email)).exists():
            raise Refused("domain", f"{email} is not of {self.provider}", email=email)
        people = list(identity.people_with_email(email)[:2])
        if len(people) > 1:
            raise Refused("ambiguous", email, email=email)
        if not people:
            latest = (
                SignupRequest.objects.filter(provider=self.provider, email=email)
                .order_by("-requested_at")
                .first()
            )
            if latest is not None and latest.status == SignupRequest.Status.REJECTED:
                raise Refused("rejected", email, email=email)
            raise SignupPending(
                identity.signup_request_record(
                    provider=self.provider,
                    email=email,
                    subject=str(claims.get("sub", "")),
                    first_name=str(claims.get("given_name") or ""),
                    last_name=str(claims.get("family_name") or ""),
                    request=self.request,
                )
            )
        person = people[0]
        if person.actor_id != self.provider.actor_id:
            raise Refused("actor", f"{email} is a person of {person.actor}", email=email)
        user = person.user or identity.person_login_create(person=person)
        if not user.is_active:
            raise Refused("inactive", email, email=email)
        return user


# --- Pages --------------------------------------------------------------------------------------


class ProviderLoginForm(forms.Form):
    prefix = "oidc"

    email = forms.EmailField(
        label=gettext_lazy("Your work e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class LoginView(auth_views.LoginView):
    """Django's login page with a second form: log in with your organisation."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("oidc_form", ProviderLoginForm())
        return context


def _safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _refused_page(request: HttpRequest, refusal: Refused, provider: Any = None) -> HttpResponse:
    logger.warning("Provider login refused (%s): %s", refusal.reason, refusal.detail)
    audit.record(
        audit.Kind.OIDC_REFUSED,
        request=request,
        username=refusal.email,
        obj=provider,
        detail=f"{refusal.reason}: {refusal.detail}",
    )
    return render(
        request,
        "registration/oidc_refused.html",
        {"message": MESSAGES.get(refusal.reason, MESSAGES["bad_token"]), "reason": refusal.reason},
        status=502 if refusal.reason == "unreachable" else 403,
    )


@login_not_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """The e-mail address picks the provider; the browser is sent there with state, nonce and an
    S256 code challenge. Without a provider for the domain, the login page says to use the
    password."""
    form = ProviderLoginForm(request.POST)
    provider = identity.provider_for_email(form.cleaned_data["email"]) if form.is_valid() else None
    if provider is None:
        if form.is_valid():
            form.add_error(
                "email",
                _(
                    "Your organisation does not log in to the portal through its own login "
                    "service. Log in with your user name and password above."
                ),
            )
        return render(
            request,
            "registration/login.html",
            {
                "form": AuthenticationForm(request),
                "oidc_form": form,
                "next": request.POST.get("next", ""),
            },
            status=400,
        )
    try:
        metadata = provider_metadata(provider)
    except Refused as refusal:
        return _refused_page(request, refusal, provider)
    state = get_random_string(settings.OIDC_STATE_SIZE)
    verifier = get_random_string(64)
    params = {
        "response_type": "code",
        "scope": "openid email profile",
        "client_id": provider.client_id,
        "redirect_uri": request.build_absolute_uri(reverse("oidc_callback")),
        "state": state,
        "nonce": get_random_string(settings.OIDC_STATE_SIZE),
        "code_challenge": generate_code_challenge(verifier, "S256"),
        "code_challenge_method": "S256",
        "login_hint": form.cleaned_data["email"],
    }
    add_state_and_verifier_and_nonce_to_session(request, state, params, verifier)
    entry = request.session["oidc_states"][state]
    entry["provider"] = provider.pk
    entry["next"] = _safe_next(request, request.POST.get("next"))
    request.session.modified = True
    url = f"{metadata['authorization_endpoint']}?{urlencode(params)}"
    # A page that goes on by itself rather than a redirect: the login page's CSP (form-action
    # 'self') would stop a form submission that is redirected to another origin.
    return render(request, "registration/oidc_redirect.html", {"url": url, "provider": provider})


@login_not_required
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with a code (or an error) and the state."""
    state = request.GET.get("state", "")
    states = request.session.get("oidc_states")
    entry = states.pop(state, None) if isinstance(states, dict) and state else None
    if entry is not None:
        # Used up before anything else happens: a replay finds nothing.
        request.session.modified = True
        request.session.save()
    provider = None
    try:
        if entry is None:
            raise Refused("unknown_state", f"state {state[:40]!r}")
        if time.time() - float(entry.get("added_on", 0)) > settings.OIDC_STATE_MAX_AGE_SECONDS:
            raise Refused("unknown_state", "the state has expired")
        provider = (
            IdentityProvider.objects.select_related("actor")
            .filter(pk=entry.get("provider"), is_active=True)
            .first()
        )
        if provider is None:
            raise Refused("provider_inactive", f"provider {entry.get('provider')}")
        if request.GET.get("error"):
            raise Refused("provider_error", request.GET["error"][:100])
        if not request.GET.get("code"):
            raise Refused("provider_error", "no code")
        backend = ProviderBackend(provider, provider_metadata(provider))
        user = backend.authenticate(
            request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
        if user is None:
            raise Refused("bad_token", "no user")
    except Refused as refusal:
        return _refused_page(request, refusal, provider)
    except SignupPending as pending:
        request.session[SIGNUP_SESSION_KEY] = pending.signup.pk
        tell_secretariat(request, pending.signup)
        return redirect("oidc_pending")
    return _log_in(request, user, provider, backend.claims, entry)


def tell_secretariat(request: HttpRequest, signup: SignupRequest) -> None:
    """Each member of the secretariat hears of a new sign-up request, once (the outbox's key:
    a second login while the request waits adds nothing)."""
    people = Person.objects.filter(
        user__is_active=True, user__groups__name=settings.SECRETARIAT_GROUP
    ).distinct()
    link = request.build_absolute_uri(reverse("actors:signup_request_list"))
    name = f"{signup.first_name} {signup.last_name}".strip() or signup.email
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Login requested: %(name)s, %(actor)s") % {
            "name": name,
            "actor": signup.actor.name,
        }
        body = _(
            "%(email)s logged in through %(provider)s, but no person in the registry has that "
            "e-mail address. Approve or decline the request: %(link)s"
        ) % {"email": signup.email, "provider": signup.provider.name, "link": link}
        reason = _("You are in the secretariat.")
    notifications_queue(
        Outgoing(
            recipient=person,
            kind=SIGNUP_KIND,
            subject=subject,
            body=body,
            reason=reason,
            link=link,
            key=f"signup-request:{signup.pk}:{person.pk}",
            about=signup,
            channels=(Channel.EMAIL, Channel.PORTAL),
        )
        for person in people
    )


def _log_in(
    request: HttpRequest, user: Any, provider: IdentityProvider, claims: dict, entry: dict
) -> HttpResponse:
    auth.login(request, user, backend=SESSION_BACKEND)
    request.session[PROVIDER_SESSION_KEY] = provider.pk
    if provider.asserts_mfa(claims):
        device, _created = IdentityProviderDevice.objects.get_or_create(
            user=user, defaults={"name": provider.name[:64], "confirmed": True}
        )
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        audit.record(
            audit.Kind.OIDC_MFA,
            request=request,
            user=user,
            obj=provider,
            detail=f"amr={claims.get('amr')!r} acr={claims.get('acr')!r}",
        )
    logger.info("%s logged in through %s", user, provider)
    return redirect(entry.get("next") or settings.LOGIN_REDIRECT_URL)


@login_not_required
@require_GET
def pending(request: HttpRequest) -> HttpResponse:
    """The provider vouched for an e-mail that no person of the registry has: the request waits
    for the secretariat."""
    signup = (
        SignupRequest.objects.select_related("actor")
        .filter(pk=request.session.get(SIGNUP_SESSION_KEY))
        .first()
    )
    return render(request, "registration/oidc_pending.html", {"signup": signup})
