"""The provider's claims: e-mail, email_verified, names and amr (with "mfa" for users in the
group "mfa"), and the test flags that make it issue the tokens a portal must refuse."""

import time

from oauth2_provider.oauth2_validators import OAuth2Validator

ACR_LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"


def _flags(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


class Validator(OAuth2Validator):
    # Every claim goes into the ID token whatever the scopes (amr is in no standard scope).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        flags = _flags(user)
        claims = {
            "email": user.email,
            "email_verified": "unverified" not in flags,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "amr": ["pwd", "mfa"] if "mfa" in flags else ["pwd"],
        }
        if "loa3" in flags:
            claims["acr"] = ACR_LOA3
        return claims

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        if "expired" in _flags(request.user):
            claims["exp"] = int(time.time()) - 3600
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        flags = _flags(request.user)
        if "wrong-audience" in flags:
            id_token["aud"] = "another-client"
        if "other-azp" in flags:
            id_token["azp"] = "another-client"
        if "future-iat" in flags:
            id_token["iat"] = int(time.time()) + 3600
        return super().finalize_id_token(id_token, token, token_handler, request)
