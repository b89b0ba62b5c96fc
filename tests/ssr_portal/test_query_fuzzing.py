"""Hostile query strings: every page of the URL conf, opened by a role allowed to see it, with
hostile values in each GET parameter it reads. No answer may be a 500.

The parameters a page reads are found by asking it: the page is requested once with a dummy
parameter (so its filter form is bound) while ``request.GET`` records every key looked up
(``get``, ``[]``, ``in``, ``getlist``). Each of those, and a list of parameters the portal's
pages use, then gets NUL bytes, very long strings, non-numbers, huge and negative numbers,
impossible dates, odd Unicode, broken UTF-8, SQL and markup.
"""

from unittest import mock
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from tests.ssr_portal.test_form_fuzzing import OPEN_PAGES
from tests.ssr_portal.test_object_access import GUARDED, SECRET_ARGUMENTS
from tests.urlconf import url_names

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
PROBE = "fuzz-probe"
# Values as they are typed; each is percent-encoded into the query string.
HOSTILE = [
    "\x00",  # PostgreSQL cannot hold it
    "x" * 3000,
    "9" * 400,
    "abc",
    "-1",
    "0",
    "2147483648",  # beyond a 32-bit integer column
    "1e999",  # infinity to float()
    "²",  # str.isdigit() says yes, int() says no
    "2026-02-30",
    "99999-01-01",
    "' OR '1'='1' --",
    SCRIPT,
    "😀\u202e\u200bÅÄÖ",
    "\r\n\t",
]
# Already encoded: bytes that are not UTF-8.
RAW = ["%FF%FE"]
# Parameters the portal's pages read (filters, paging, pre-selection); tried on every page
# whether or not the probe saw them read.
KNOWN = [
    "q",
    "page",
    "year",
    "ar",
    "status",
    "kind",
    "cluster",
    "source",
    "forum",
    "actor",
    "person",
    "actor_function",
    "role",
    "signal",
    "since",
    "next",
    "show",
    "object_type",
    "date_from",
    "date_to",
    "avvikelser",
]
# Pages that end the session on a visit would end the walk's own login.
SKIPPED = {"logout", "logout_everywhere"}
ALLOWED = {200, 302, 400, 403, 404}

_read: set[str] = set()


class RecordingQueryDict(QueryDict):
    """request.GET that notes the keys a view looks up."""

    def __getitem__(self, key):
        _read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _read.add(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        _read.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        _read.add(key)
        return super().getlist(key, default)


def _names() -> list[str]:
    return sorted(url_names() - SKIPPED)


def _url(name: str, world: dict) -> str:
    pages = {**GUARDED, **OPEN_PAGES}
    if name in SECRET_ARGUMENTS:
        return reverse(name, kwargs=SECRET_ARGUMENTS[name])
    return reverse(name, kwargs=pages[name](world) if name in pages else {})


def _probe(client: Client, url: str):
    _read.clear()
    with mock.patch("django.core.handlers.wsgi.QueryDict", RecordingQueryDict):
        response = client.get(url, {PROBE: "1"})
    return response, _read - {PROBE}


@pytest.fixture
def people(world, holder, secretariat_user):
    from tests.conftest import verified_login

    users = (secretariat_user, holder, world["rsib"], world["rkk"])
    return world, [verified_login(Client(), user) for user in users] + [Client()]


def _rotations(params: list[str]) -> list[dict[str, str]]:
    """Every hostile value at least once, spread over ``params``, in a few queries."""
    values = [quote(v, safe="") for v in HOSTILE] + RAW
    rounds = -(-len(values) // len(params))
    return [
        {p: values[(r * len(params) + i) % len(values)] for i, p in enumerate(params)}
        for r in range(rounds)
    ]


def _queries(read: set[str]) -> list[tuple[str, bool]]:
    """(query string, holds a NUL byte) for a page that reads ``read``: each parameter it reads
    with each hostile value on its own, then the known parameters and those together."""
    queries = []
    for param in sorted(read):
        queries += [(f"{quote(param)}={quote(v, safe='')}", "\x00" in v) for v in HOSTILE]
        queries += [(f"{quote(param)}={v}", False) for v in RAW]
    together = sorted(read | set(KNOWN))
    for values in _rotations(together):
        nul = any("%00" in v for v in values.values())
        queries.append(("&".join(f"{quote(p)}={v}" for p, v in values.items()), nul))
    queries.append(("&".join(f"{quote(p)}=%00" for p in together), True))
    return queries


def test_hostile_query_parameters_never_break_a_page(people):
    world, clients = people
    failures: list[str] = []
    read_by: dict[str, set[str]] = {}
    for name in _names():
        url = _url(name, world)
        for client in clients:  # the first role that may open the page
            response, read = _probe(client, url)
            if response.status_code == 200:
                break
        else:
            continue  # an action without a page (POST only), or nobody's page
        read_by[name] = read
        for query, nul in _queries(read):
            where = f"{name} ?{query[:100]}"
            try:
                with transaction.atomic():  # a database error must not end the walk
                    answer = client.get(f"{url}?{query}")
            except Exception as exc:  # noqa: BLE001  (any exception is a 500)
                failures.append(f"{where}: {exc!r}"[:300])
                continue
            if answer.status_code not in ALLOWED or (nul and answer.status_code != 400):
                failures.append(f"{where}: {answer.status_code}")
            html = answer.get("Content-Type", "").startswith("text/html")
            if html and not answer.streaming and SCRIPT.encode() in answer.content:
                failures.append(f"{where}: markup not escaped")
    assert failures == [], "\n".join(failures)

    # The walk reaches the pages and finds what they read.
    assert {"q"} <= read_by["actors:person_list"]
    assert {"q", "kind", "cluster", "page"} <= read_by["actors:actor_list"]
    assert {"year"} <= read_by["incidents:register"]
    assert {"status", "page"} <= read_by["notifications:outbox"]
    assert len(read_by) > 100


def test_a_nul_byte_anywhere_is_a_bad_request(member, secretariat):
    """The path, a query or form field, a cookie or a header: 400, before any database query."""
    person_list = reverse("actors:person_list")
    assert member.get(person_list, {"q": "\x00"}).status_code == 400
    assert member.get(person_list, {"q\x00": "x"}).status_code == 400
    assert member.get(person_list + "%00/").status_code == 400
    assert member.get(person_list, headers={"user-agent": "x\x00y"}).status_code == 400
    stranger = Client()  # a forged session cookie would be looked up in the database
    stranger.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00"
    assert stranger.get(person_list).status_code == 400
    answer = secretariat.post(reverse("actors:function_create"), {"name": "Stab\x00chef"})
    assert answer.status_code == 400
    assert b"Felaktig beg" in answer.content  # templates/400.html
    assert member.get(person_list, {"q": "Maja"}).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/personer/?q=%00",
        "incidents:incident_activate?signal=abc",
        "incidents:register?year=%C2%B2",
        "incidents:register_csv?year=2147483648",
        "incidents:roster_hours?year=0",
        "incidents:roster_hours?year=99999999999999999999",
        "membership:invoice_list?year=%C2%B2",
    ],
)
def test_query_values_that_were_a_server_error(url, secretariat):
    """Found by the walk above: a non-number, an unbounded number or a NUL byte was a 500."""
    if not url.startswith("/"):
        name, query = url.split("?")
        url = f"{reverse(name)}?{query}"
    assert secretariat.get(url).status_code in (200, 400, 404)
