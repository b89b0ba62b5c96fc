"""The interface is Swedish unless the user has chosen English with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so an English
browser would get an English portal; the network works in Swedish, so only an explicit choice
(the language cookie set by ``set_language``) switches the language.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override, not activate: the thread's language is restored after the request, so code
        # that runs later on this thread (tasks run eagerly, tests) is not left in English.
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """Switches off browser features the portal never uses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class SessionRefreshMiddleware:
    """Keeps a session alive while it is used, writing it at most once per
    SESSION_REFRESH_SECONDS.

    SESSION_COOKIE_AGE is how long a session lasts without activity. Django's
    SESSION_SAVE_EVERY_REQUEST keeps that promise by writing the session row (a transaction and
    a disk flush) on every request, every ten-second poll of the situation picture included.
    Here the session is marked changed only when it was last written longer ago than the
    refresh interval; Django's session middleware then saves it with a new expiry and cookie.
    So a session ends between AGE minus the interval and AGE after its last request.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response  # no session, or one just flushed by a logout
        now = int(time.time())
        if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[self.KEY] = now
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a logged-in user and on every download
    (ASVS 8.2.1), so no browser cache or shared proxy keeps a copy of a member's pages, exports
    or attachments after the session ends.

    Static files keep their long caching: WhiteNoise answers them before this middleware, and
    a /static/ path that reaches it (the finders in development) is left alone too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        # request.user is set by the authentication middleware further in; a response given
        # before it (a redirect to HTTPS) has no user.
        user = getattr(request, "user", None)
        download = isinstance(response, FileResponse) or response.has_header("Content-Disposition")
        if download or (user is not None and user.is_authenticated):
            # Adds no-store (with no-cache, must-revalidate, private, max-age=0) to what the
            # view set; a response that already had no-store keeps it.
            add_never_cache_headers(response)
        return response


class NulByteMiddleware:
    """Answers 400 Bad Request when the path, a query or form parameter (name or value), an
    uploaded file's name, a cookie or a header holds a NUL byte.

    PostgreSQL cannot hold NUL in text: such a value reaching a query is a 500 (a search box,
    ``/personer/?q=%00``). Django's form fields refuse NUL, but many pages read a parameter
    directly (filters, ``?actor=``, ``?year=``), and path arguments and the session cookie go to
    the database before any form sees them. One check in front of the portal covers every page,
    today's and tomorrow's; no real user ever types a NUL byte.

    Sits before the session middleware, which looks the session cookie up in the database.
    Reading ``request.POST`` here parses the body only as the CSRF middleware would anyway.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            raise BadRequest("NUL byte in the request.")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        texts = [request.path, *request.COOKIES, *request.COOKIES.values()]
        texts += [str(v) for k, v in request.META.items() if k.startswith("HTTP_")]
        fields = [request.GET]
        if request.method == "POST":
            fields.append(request.POST)
            texts += [f.name or "" for _key, items in request.FILES.lists() for f in items]
        texts += [
            text for data in fields for key, values in data.lists() for text in (key, *values)
        ]
        return any("\x00" in text for text in texts)
