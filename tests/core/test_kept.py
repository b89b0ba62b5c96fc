"""Kept parts of a page (``{% kept %}``): the page chrome is rendered once per process for each
combination of the values it depends on, and never shows one request's user, count, path,
language or CSRF token to another."""

import re

import pytest
from django.conf import settings as django_settings
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse

from core.templatetags import kept
from notifications.models import Channel, Notification
from tests.conftest import verified_login
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page(client: Client, url: str = "/tillganglighet/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def user_menu(html: str) -> str:
    return re.search(r'<div class="user-menu">.*?</div>', html, re.S).group(0)


def current_item(html: str) -> list[str]:
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', html)


def test_two_members_each_see_their_own_name_and_links(member, secretariat):
    for _ in range(2):  # the second round is answered from the kept parts
        maja, sara = page(member), page(secretariat)
        assert "Maja Medlem" in user_menu(maja) and "Sara" not in maja
        assert "Sara Sekretariat" in user_menu(sara) and "Maja" not in sara
        assert reverse("admin:index") not in maja
        assert reverse("admin:index") in sara
        assert reverse("membership:overview") in sara


def test_the_unread_count_shows_as_it_changes(member, member_user):
    assert "oläst" not in page(member)
    person = member_user.person
    for number, expected in enumerate(("1 oläst", "2 olästa")):
        Notification.objects.create(
            dedupe_key=f"kept-{number}",
            recipient=person,
            channel=Channel.PORTAL,
            kind="message",
            subject="Hej",
            body="Hej",
            reason="Test",
        )
        assert expected in user_menu(page(member))


def test_the_current_menu_item_follows_the_path(member):
    expected = {
        reverse("home"): ["Start"],
        reverse("incidents:incident_list"): ["Händelser"],
        reverse("forums:forum_list"): ["Forum"],
        reverse("actors:actor_list"): ["Aktörer"],
        reverse("actors:person_list"): ["Personer"],
        reverse("actors:function_list"): ["Funktioner"],
        reverse("incidents:roster"): ["Beredskap"],
        "/tillganglighet/": [],
    }
    for _ in range(2):
        for url, items in expected.items():
            assert current_item(page(member, url)) == items, url


def test_the_language_form_returns_to_the_page_it_is_on(member):
    for url in ("/tillganglighet/", reverse("actors:actor_list") + "?q=brand"):
        html = page(member, url)
        assert f'name="next" type="hidden" value="{url}"' in html.replace("&amp;", "&")


def test_english_is_kept_apart_from_swedish(member):
    assert "Logga ut" in page(member)
    member.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = page(member)
    assert "Log out" in english and "Logga ut" not in english
    del member.cookies[django_settings.LANGUAGE_COOKIE_NAME]
    assert "Logga ut" in page(member)


def test_each_request_gets_its_own_csrf_token_and_it_works(member_user):
    """The kept forms (log out, language) carry the reader's own token, which the CSRF check
    accepts; a second member's kept copy carries theirs."""
    first = Client(enforce_csrf_checks=True)
    first.force_login(member_user)
    other_user = UserFactory(username="olle", first_name="Olle", last_name="Annan")
    PersonFactory(user=other_user, first_name="Olle", last_name="Annan")
    second = Client(enforce_csrf_checks=True)
    second.force_login(other_user)
    page(first), page(second)  # fill the kept parts
    mine, theirs = page(first), page(second)
    assert kept.CSRF_STAND_IN not in mine + theirs
    my_tokens, their_tokens = set(CSRF_FIELD.findall(mine)), set(CSRF_FIELD.findall(theirs))
    assert len(my_tokens) == 1 and len(their_tokens) == 1
    # Masked tokens differ per request; the secret behind them is the client's own cookie.
    csrf_cookie = django_settings.CSRF_COOKIE_NAME
    assert first.cookies[csrf_cookie].value != second.cookies[csrf_cookie].value
    # The other member's token is refused for this member; their own is accepted.
    refused = first.post(reverse("logout"), {"csrfmiddlewaretoken": their_tokens.pop()})
    assert refused.status_code == 403
    accepted = first.post(reverse("logout"), {"csrfmiddlewaretoken": my_tokens.pop()})
    assert accepted.status_code == 302
    assert first.get(reverse("home")).status_code == 302  # logged out: sent to the login


def test_the_store_drops_the_least_recently_used():
    store = kept.KeptStore(max_entries=2)
    store.put(("a",), "A")
    store.put(("b",), "B")
    assert store.get(("a",)) == "A"  # now the most recently used
    store.put(("c",), "C")
    assert store.get(("b",)) is None
    assert (store.get(("a",)), store.get(("c",)), len(store)) == ("A", "C", 2)


def test_a_part_depends_on_the_values_it_names_and_on_no_other():
    template = Template('{% load kept %}{% kept "t" name %}{{ name }}/{{ other }}{% endkept %}')
    assert template.render(Context({"name": "a", "other": 1})) == "a/1"
    assert template.render(Context({"name": "b", "other": 2})) == "b/2"
    # Not named, so not looked at: the kept copy for "a" is used (the rule the tag documents).
    assert template.render(Context({"name": "a", "other": 3})) == "a/1"


def test_a_template_compiled_again_does_not_use_the_old_copy():
    source = '{% load kept %}{% kept "t" %}{{ value }}{% endkept %}'
    assert Template(source).render(Context({"value": "old"})) == "old"
    assert Template(source).render(Context({"value": "new"})) == "new"


def test_a_part_without_a_name_is_refused():
    with pytest.raises(TemplateSyntaxError, match="quoted name"):
        Template("{% load kept %}{% kept value %}x{% endkept %}")


def test_the_chrome_is_rendered_once_per_combination(member, secretariat_user):
    kept.store.clear()
    page(member)
    filled = len(kept.store)
    assert filled >= 4  # the menu, the user's menu, the on-duty line, the footer
    page(member)
    assert len(kept.store) == filled
    verified_login(Client(), secretariat_user).get("/tillganglighet/")
    assert len(kept.store) > filled
