"""The meeting search: agendas, decisions and minutes of the forums a member may open (and
approved minutes shared with the network), in Swedish on PostgreSQL."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import search as core_search
from forums import services
from forums.models import Minutes, SharingLevel
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PAST = timezone.now() - datetime.timedelta(days=7)
URL = reverse("forums:meeting_search")


def hits(response, kind):
    for group in response.context["groups"]:
        if group.kind.key == kind:
            return group
    raise AssertionError(f"no group {kind}")


@pytest.fixture
def meetings(forum, seat, holder, other_forum, outsider):
    """A meeting of the holder's forum and one of the outsider's forum, both about floods."""
    mine = MeetingFactory(forum=forum, starts_at=PAST, title="Samordning våren")
    services.agenda_item_add(
        meeting=mine, title="Översvämningar vid Mälaren", description="Läget längs stränderna."
    )
    services.decision_add(meeting=mine, text="Att inrätta en arbetsgrupp för översvämningen.")
    minutes = services.minutes_generate(meeting=mine)
    services.minutes_update(
        minutes=minutes,
        body="Gruppen diskuterade översvämning och sandsäckar.",
        sharing_level=SharingLevel.FORUM,
    )
    theirs = MeetingFactory(forum=other_forum, starts_at=PAST, title="Chefsgruppen")
    services.decision_add(meeting=theirs, text="Att begära stöd vid översvämning i Norrtälje.")
    return {"mine": mine, "theirs": theirs}


def test_inflected_words_find_agendas_decisions_and_minutes(meetings, holder_client):
    response = holder_client.get(URL, {"q": "översvämning"})

    assert hits(response, "agenda").total == 1
    assert hits(response, "decisions").total == 1
    assert hits(response, "minutes").total == 1
    page = response.content.decode()
    assert "<mark>Översvämningar</mark> vid Mälaren" in page
    assert meetings["mine"].get_absolute_url() in page
    assert reverse("forums:minutes_detail", args=[meetings["mine"].pk]) in page


def test_a_member_finds_only_the_meetings_of_their_forums(meetings, holder_client, outsider_client):
    mine = holder_client.get(URL, {"q": "Norrtälje"})
    theirs = outsider_client.get(URL, {"q": "Norrtälje"})

    assert hits(mine, "decisions").total == 0
    assert "begära stöd" not in mine.content.decode()
    assert hits(theirs, "decisions").total == 1
    assert hits(outsider_client.get(URL, {"q": "Mälaren"}), "agenda").total == 0


def test_the_secretariat_searches_every_forum(meetings, secretariat):
    response = secretariat.get(URL, {"q": "översvämningar"})
    assert hits(response, "decisions").total == 2


def test_minutes_shared_with_the_network_are_found_by_every_member(
    meetings, holder_client, outsider_client
):
    shared = MeetingFactory(forum=meetings["theirs"].forum, starts_at=PAST)
    Minutes.objects.create(
        meeting=shared,
        body="Beslut om gemensam krisledningsövning.",
        status=Minutes.Status.APPROVED,
        sharing_level=SharingLevel.NETWORK,
        approved_at=timezone.now(),
    )
    draft = MeetingFactory(forum=meetings["theirs"].forum, starts_at=PAST)
    Minutes.objects.create(meeting=draft, body="Utkast om krisledningsövningen.")

    response = holder_client.get(URL, {"q": "krisledningsövning"})

    assert hits(response, "minutes").total == 1  # the approved, shared one; not the draft


def test_without_words_the_page_asks_for_them(holder_client):
    response = holder_client.get(URL)
    assert response.status_code == 200
    assert "Skriv ett eller flera ord att söka efter." in response.content.decode()


def test_one_kind_is_paginated(forum, seat, holder, holder_client):
    meeting = MeetingFactory(forum=forum, starts_at=PAST)
    for _n in range(core_search.PER_PAGE + 2):
        services.decision_add(meeting=meeting, text="Att godkänna budgeten.")

    first = holder_client.get(URL, {"q": "budget", "kind": "decisions"})
    second = holder_client.get(URL, {"q": "budget", "kind": "decisions", "page": 2})

    assert len(hits(first, "decisions").hits) == core_search.PER_PAGE
    assert len(hits(second, "decisions").hits) == 2


def test_search_queries_do_not_grow_with_the_hits(
    forum, seat, holder, holder_client, django_assert_max_num_queries
):
    def load():
        with django_assert_max_num_queries(30) as counted:
            holder_client.get(URL, {"q": "budget"})
        return len(counted)

    meeting = MeetingFactory(forum=forum, starts_at=PAST)
    services.agenda_item_add(meeting=meeting, title="Budget")
    services.decision_add(meeting=meeting, text="Budget")
    load()  # the first request of the session saves it
    one = load()
    for n in range(6):
        other = MeetingFactory(forum=forum, starts_at=PAST - datetime.timedelta(days=n + 1))
        services.agenda_item_add(meeting=other, title="Budget igen")
        services.decision_add(meeting=other, text="Budget igen")
    assert load() == one


def test_the_forum_list_links_to_the_search(holder_client):
    assert URL in holder_client.get(reverse("forums:forum_list")).content.decode()


def test_permission_matrix(meetings, holder_client, deputy_client, outsider_client, secretariat):
    """Every member may search (what they find is limited, above); anonymous visitors log in."""
    assert Client().get(URL).status_code == 302
    for client in (holder_client, deputy_client, outsider_client, secretariat):
        assert client.get(URL, {"q": "översvämning"}).status_code == 200
