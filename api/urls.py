"""The API's URLs: the versioned API at /api/v1/ (django-ninja) and the pages where tokens are
created and revoked."""

import functools

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import services, views
from .v1 import api

app_name = "api"


def _logged(view):
    """Log each request made with a known token (whatever the answer) in the append-only
    request log."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        token = getattr(request, "api_token", None)
        if token is not None:
            services.request_log(
                token=token,
                method=request.method,
                path=request.get_full_path(),
                status=response.status_code,
            )
        return response

    # The API authenticates with its bearer tokens, not the portal's session.
    return login_not_required(wrapper)


v1_patterns, v1_app_name, v1_namespace = api.urls
for pattern in v1_patterns:
    pattern.callback = _logged(pattern.callback)

urlpatterns = [
    path("api/v1/", (v1_patterns, v1_app_name, v1_namespace)),
    path("api-tokens/", views.token_list, name="token_list"),
    path("api-tokens/new/", views.token_create, name="token_create"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
