import json

from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path
from jwcrypto import jwk

# Another key under the provider's own key id: a portal that reads this key set must find that
# the provider's signatures do not verify.
_foreign = jwk.JWK.from_pyca(rsa.generate_private_key(public_exponent=65537, key_size=2048))
_kid = jwk.JWK.from_pem(settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"].encode()).thumbprint()


def foreign_jwks(request):
    key = {**json.loads(_foreign.export_public()), "kid": _kid, "alg": "RS256", "use": "sig"}
    return HttpResponse(json.dumps({"keys": [key]}), content_type="application/json")


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", auth_views.LoginView.as_view(template_name="provider/login.html")),
    path("foreign-jwks/", foreign_jwks),
]
