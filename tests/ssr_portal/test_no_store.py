"""Cache-Control: no-store on every answer to a logged-in user and on every download
(ASVS 8.2.1): no browser cache or proxy keeps a member's pages or files after the session."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from ssr_portal.middleware import NoStoreMiddleware

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_a_logged_in_page_is_not_stored(member):
    response = member.get(reverse("actors:person_list"))
    assert response.status_code == 200
    assert _no_store(response) and "private" in response["Cache-Control"]


def test_downloads_are_not_stored(world, holder, holder_client, secretariat, anonymous):
    from forums.services import calendar_feed_rotate

    ics = holder_client.get(reverse("forums:meeting_ics", args=[world["meeting"].pk]))
    csv = secretariat.get(reverse("membership:csv", args=[world["year"]]))
    pdf = secretariat.get(reverse("membership:invoice_pdf", args=[world["invoice"].pk]))
    # The calendar feed is fetched without a session, by its secret address.
    feed = calendar_feed_rotate(user=holder)  # the world's feed has no token yet
    calendar = anonymous.get(reverse("forums:calendar_feed", args=[feed.token]))
    for response in (ics, csv, pdf, calendar):
        assert response.status_code == 200
        assert _no_store(response), response.get("Content-Type")


def test_the_login_page_works_for_a_visitor(anonymous):
    response = anonymous.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_static_files_keep_their_caching_and_no_store_stays():
    cached = "max-age=31536000, public, immutable"
    for path, kwargs, expected in (
        ("/static/css/portal.css", {"Cache-Control": cached}, cached),
        ("/konto/", {"Cache-Control": "no-store"}, "no-store"),
    ):
        request = RequestFactory().get(path)
        request.user = type("U", (), {"is_authenticated": True})()
        answer = HttpResponse(headers=kwargs)
        response = NoStoreMiddleware(lambda r, a=answer: a)(request)
        assert expected in response["Cache-Control"]
        assert ("no-store" in response["Cache-Control"]) == (path != "/static/css/portal.css")


def test_a_public_page_without_a_user_keeps_its_headers_but_a_file_does_not():
    request = RequestFactory().get("/healthz")
    request.user = AnonymousUser()
    page = NoStoreMiddleware(lambda r: HttpResponse("ok"))(request)
    assert not _no_store(page)
    download = NoStoreMiddleware(lambda r: FileResponse(iter([b"x"]), filename="a.txt"))(request)
    assert _no_store(download)
