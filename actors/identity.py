"""Identity providers of the actors and the sign-ups they vouch for: services and selectors.

The OpenID Connect protocol itself (redirects, tokens, keys) is the project package's
(``ssr_portal.oidc``); this module holds the registry's side: which provider serves which
e-mail domain, and what becomes of a verified e-mail that no person of the registry has.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit

from .models import Actor, IdentityProvider, IdentityProviderDomain, Person, SignupRequest

_domain_validator = DomainNameValidator(accept_idna=False)


def parse_domains(text: str) -> list[str]:
    """The domains of a comma- or line-separated list, lower-cased, each checked; a leading
    "@" is dropped. Raises ValidationError naming the first bad one."""
    domains: list[str] = []
    for raw in text.replace("\n", ",").replace(";", ",").split(","):
        domain = raw.strip().lower().removeprefix("@")
        if not domain:
            continue
        try:
            _domain_validator(domain)
        except ValidationError:
            raise ValidationError(
                _("%(domain)s is not an e-mail domain (e.g. huddinge.se).") % {"domain": raw[:80]}
            ) from None
        if "." not in domain:
            raise ValidationError(
                _("%(domain)s is not an e-mail domain (e.g. huddinge.se).") % {"domain": domain}
            )
        if domain not in domains:
            domains.append(domain)
    if not domains:
        raise ValidationError(_("Give at least one e-mail domain."))
    return domains


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


# --- Selectors ----------------------------------------------------------------------------------


def provider_for_email(email: str) -> IdentityProvider | None:
    """The active provider of the e-mail's domain, if any."""
    domain = email_domain(email)
    if not domain:
        return None
    row = (
        IdentityProviderDomain.objects.select_related("provider__actor")
        .filter(domain=domain, provider__is_active=True)
        .first()
    )
    return row.provider if row else None


def provider_list() -> QuerySet[IdentityProvider]:
    return IdentityProvider.objects.select_related("actor").prefetch_related("domains")


def signup_request_list() -> QuerySet[SignupRequest]:
    return SignupRequest.objects.select_related("actor", "provider", "decided_by", "person")


def people_with_email(email: str) -> QuerySet[Person]:
    return Person.objects.select_related("actor", "user").filter(
        email__iexact=email.strip(), anonymised_at__isnull=True
    )


# --- Providers ----------------------------------------------------------------------------------


def _set_domains(provider: IdentityProvider, domains: list[str]) -> None:
    taken = (
        IdentityProviderDomain.objects.filter(domain__in=domains)
        .exclude(provider=provider)
        .select_related("provider")
    )
    if (row := taken.first()) is not None:
        raise ValidationError(
            {
                "email_domains": _("%(domain)s already belongs to %(provider)s.")
                % {"domain": row.domain, "provider": row.provider}
            }
        )
    provider.domains.exclude(domain__in=domains).delete()
    present = set(provider.domains.values_list("domain", flat=True))
    for domain in domains:
        if domain not in present:
            IdentityProviderDomain.objects.create(provider=provider, domain=domain)


def _save(provider: IdentityProvider, email_domains: str) -> IdentityProvider:
    domains = parse_domains(email_domains)
    # The issuer is kept exactly as given: it is compared with the iss claim character by
    # character (Entra ID's v1 issuer ends with a slash, its v2 issuer does not).
    provider.full_clean()
    try:
        with transaction.atomic():
            provider.save()
            _set_domains(provider, domains)
    except IntegrityError:  # a racing save took a domain first
        raise ValidationError(_("One of the e-mail domains already has a provider.")) from None
    return provider


@transaction.atomic(durable=True)
def identity_provider_create(*, actor: Actor, email_domains: str, **data: Any) -> IdentityProvider:
    if IdentityProvider.objects.filter(actor=actor).exists():
        raise ValidationError({"actor": _("%(actor)s already has a provider.") % {"actor": actor}})
    return _save(IdentityProvider(actor=actor, **data), email_domains)


@transaction.atomic(durable=True)
def identity_provider_update(
    *, provider: IdentityProvider, email_domains: str, **data: Any
) -> IdentityProvider:
    secret = data.pop("client_secret", "")
    for name, value in data.items():
        setattr(provider, name, value)
    if secret:  # an empty secret field keeps the stored one
        provider.client_secret = secret
    return _save(provider, email_domains)


@transaction.atomic(durable=True)
def identity_provider_set_active(*, provider: IdentityProvider, active: bool) -> IdentityProvider:
    provider.is_active = active
    provider.save(update_fields=["is_active"])
    return provider


# --- Sign-up requests ---------------------------------------------------------------------------


@transaction.atomic
def signup_request_record(
    *,
    provider: IdentityProvider,
    email: str,
    subject: str,
    first_name: str = "",
    last_name: str = "",
    request: Any = None,
) -> SignupRequest:
    """The pending request of this e-mail at this provider: the one already waiting, or a new
    one (the provider has verified the e-mail and that its domain is the provider's)."""
    email = email.strip().lower()
    pending = (
        SignupRequest.objects.select_for_update()
        .filter(provider=provider, email=email, status=SignupRequest.Status.PENDING)
        .first()
    )
    if pending is not None:
        return pending
    try:
        with transaction.atomic():
            signup = SignupRequest.objects.create(
                provider=provider,
                actor=provider.actor,
                email=email,
                subject=subject[:255],
                first_name=first_name.strip()[:100],
                last_name=last_name.strip()[:100],
            )
    except IntegrityError:
        # A login of the same person at the same moment recorded it first (one pending request
        # per e-mail and provider is a database constraint).
        return SignupRequest.objects.get(
            provider=provider, email=email, status=SignupRequest.Status.PENDING
        )
    audit.record(
        audit.Kind.SIGNUP_REQUESTED,
        request=request,
        username=email,
        obj=signup,
        detail=str(provider),
    )
    return signup


def _pending(signup: SignupRequest) -> SignupRequest:
    signup = SignupRequest.objects.select_for_update().select_related("actor").get(pk=signup.pk)
    if not signup.is_pending:
        raise ValidationError(_("The request has already been decided."))
    return signup


@transaction.atomic(durable=True)
def signup_request_approve(
    *, signup: SignupRequest, by: Any, first_name: str, last_name: str, request: Any = None
) -> Person:
    """A person of the request's actor with a login that has no password: they log in through
    their provider only."""
    signup = _pending(signup)
    if people_with_email(signup.email).exists():
        raise ValidationError(
            _("A person with the e-mail %(email)s is already in the registry.")
            % {"email": signup.email}
        )
    users = get_user_model()
    if users.objects.filter(username__iexact=signup.email).exists():
        raise ValidationError(
            _("A login named %(email)s already exists.") % {"email": signup.email}
        )
    user = users(
        username=signup.email, email=signup.email, first_name=first_name, last_name=last_name
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    person = Person(
        user=user,
        first_name=first_name,
        last_name=last_name,
        email=signup.email,
        actor=signup.actor,
    )
    person.full_clean()
    person.save()
    signup.status = SignupRequest.Status.APPROVED
    signup.decided_at = timezone.now()
    signup.decided_by = by
    signup.person = person
    signup.save(update_fields=["status", "decided_at", "decided_by", "person"])
    audit.record(
        audit.Kind.SIGNUP_APPROVED, request=request, user=by, subject_user=user, obj=signup
    )
    return person


@transaction.atomic(durable=True)
def signup_request_reject(*, signup: SignupRequest, by: Any, request: Any = None) -> SignupRequest:
    signup = _pending(signup)
    signup.status = SignupRequest.Status.REJECTED
    signup.decided_at = timezone.now()
    signup.decided_by = by
    signup.save(update_fields=["status", "decided_at", "decided_by"])
    audit.record(audit.Kind.SIGNUP_REJECTED, request=request, user=by, obj=signup)
    return signup


@transaction.atomic
def person_login_create(*, person: Person) -> Any:
    """A login without a password for a person of the registry who has none yet, the first time
    their actor's provider vouches for their e-mail."""
    users = get_user_model()
    username = person.email.strip().lower()
    if users.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("A login named %(email)s already exists.") % {"email": username})
    user = users(
        username=username,
        email=username,
        first_name=person.first_name,
        last_name=person.last_name,
    )
    user.set_unusable_password()
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    return user
