"""An identity provider and a pending sign-up request, for the URL walks (no provider process is
needed: nothing here logs in)."""

from actors.identity import identity_provider_create, signup_request_record
from actors.models import IdentityProvider, SignupRequest


def provider_and_request(actor) -> tuple[IdentityProvider, SignupRequest]:
    provider = IdentityProvider.objects.filter(actor=actor).first() or identity_provider_create(
        actor=actor,
        name=f"{actor} (Entra ID)",
        issuer="https://login.example.org/tenant/v2.0",
        client_id="ssr-portal",
        client_secret="hemligt",
        email_domains=f"walk-{actor.pk}.example",
    )
    signup = SignupRequest.objects.filter(provider=provider, status="pending").first()
    if signup is None:
        signup = signup_request_record(
            provider=provider, email=f"ny@walk-{actor.pk}.example", subject="sub-1"
        )
    return provider, signup


def provider(world: dict) -> dict:
    return {"pk": provider_and_request(world["actor"])[0].pk}


def signup(world: dict) -> dict:
    return {"pk": provider_and_request(world["actor"])[1].pk}
