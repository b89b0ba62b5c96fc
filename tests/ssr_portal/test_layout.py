import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_swedish_with_landmarks_and_a_skip_link(anonymous):
    page = anonymous.get(reverse("login")).content.decode()
    assert '<html lang="sv">' in page
    assert 'class="skip-link" href="#main"' in page
    assert '<main id="main"' in page and "<footer" in page
    assert "Logga in" in page
    assert 'href="/tillganglighet/"' in page


def test_no_asset_comes_from_another_host(anonymous, member):
    for client, url in ((anonymous, reverse("login")), (member, reverse("actors:actor_list"))):
        page = client.get(url).content.decode()
        sources = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', page)
        assert sources, "the page loads its stylesheet and htmx"
        assert all(src.startswith("/static/") for src in sources), sources


def test_htmx_and_the_stylesheet_are_served_locally(anonymous):
    page = anonymous.get(reverse("login")).content.decode()
    htmx = re.search(r'<script src="/static/([^"]+htmx[^"]*)"', page).group(1)
    assert finders.find(htmx)
    assert finders.find("css/portal.css")


def test_pages_require_login(anonymous):
    for url in (reverse("home"), reverse("actors:actor_list")):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_login_and_logout(anonymous, member_user):
    response = anonymous.post(
        reverse("login"), {"username": "maja", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = anonymous.get(reverse("home")).content.decode()
    assert "Välkommen, Maja Medlem" in home
    anonymous.post(reverse("logout"))
    assert anonymous.get(reverse("home")).status_code == 302


def test_wrong_password_is_a_clear_swedish_error(anonymous, member_user):
    response = anonymous.post(reverse("login"), {"username": "maja", "password": "fel"})
    assert response.status_code == 200
    assert "korrekt användarnamn och lösenord" in response.content.decode()


def test_home_lists_my_current_functions(member, member_user):
    page = member.get(reverse("home")).content.decode()
    assignment = member_user.person.assignments.get()
    assert assignment.actor_function.function.name in page


def test_english_is_available(member):
    member.post(reverse("set_language"), {"language": "en", "next": "/aktorer/"})
    page = member.get(reverse("actors:actor_list")).content.decode()
    assert '<html lang="en">' in page
    assert "Actors" in page


def test_secretariat_sees_edit_links_members_do_not(member, secretariat):
    assert "Ny aktör" not in member.get(reverse("actors:actor_list")).content.decode()
    assert "Ny aktör" in secretariat.get(reverse("actors:actor_list")).content.decode()


def test_404_page_is_in_the_portal_design(member):
    response = member.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.content.decode()


def test_accessibility_statement_follows_diggs_structure(anonymous):
    page = anonymous.get(reverse("accessibility")).content.decode()
    headings = [
        "Hur tillgänglig är portalen?",
        "Vad kan du göra om du inte kan använda delar av portalen?",
        "Rapportera brister i portalens tillgänglighet",
        "Tillsyn",
        "Teknisk information om portalens tillgänglighet",
        "Innehåll som inte är tillgängligt",
        "Bristande förenlighet med lagkraven",
        "Oskäligt betungande anpassning",
        "Innehåll som inte omfattas av lagstiftningen",
        "Hur vi testat portalen",
    ]
    positions = [page.index(heading) for heading in headings]
    assert positions == sorted(positions), "DIGG's order of sections"
    assert "lagen (2018:1937)" in page and "22 november 2026" in page


def test_every_page_footer_links_the_accessibility_statement(member, secretariat):
    for client, url in ((member, reverse("home")), (secretariat, reverse("membership:overview"))):
        assert 'href="/tillganglighet/"' in client.get(url).content.decode()
