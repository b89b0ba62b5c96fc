"""The interface is Swedish unless the user has chosen English with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so an English
browser would get an English portal; the network works in Swedish, so only an explicit choice
(the language cookie set by ``set_language``) switches the language.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
