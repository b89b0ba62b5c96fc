"""The portal's URLs with the benchmarks' minimal view (/bench/golv/) routed, for the tests that
count what every logged-in request costs."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from ssr_portal import views
from ssr_portal.urls import urlpatterns as portal_urlpatterns


def whoami(request: HttpRequest) -> HttpResponse:
    """A page behind the login (the floor view is open to anyone): who is logged in."""
    return HttpResponse(request.user.get_username(), content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("bench/golv/", views.bench_floor, name="bench_floor"),
    path("test/vem/", whoami, name="test_whoami"),
    *portal_urlpatterns,
]
