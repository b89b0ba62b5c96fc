"""The search of one incident: its log, situation reports, requests for support and joint
messages, in Swedish on PostgreSQL, limited to the incident and to those who may see it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import search as core_search
from incidents import services
from incidents.models import SupportRequest
from tests.incidents.conftest import READ, check_permission_matrix, client_for, report

pytestmark = pytest.mark.django_db


def url(incident, **query):
    return reverse("incidents:incident_search", args=[incident.pk]), query


def hits(response, kind):
    for group in response.context["groups"]:
        if group.kind.key == kind:
            return group
    raise AssertionError(f"no group {kind}")


def test_inflected_swedish_words_find_each_other(incident, rsib, secretariat):
    services.log_note(incident=incident, by=rsib, text="Översvämning vid Kista centrum.")

    response = secretariat.get(*url(incident, q="översvämningar"))

    log = hits(response, "log")
    assert log.total == 1
    assert "<mark>Översvämning</mark> vid Kista centrum" in str(log.hits[0].snippet)
    assert "Kista centrum" in response.content.decode()


def test_every_kind_of_the_incident_is_searched(incident, seat, holder, rsib, rkk, secretariat):
    report(incident, seat.actor, holder, needs="Vi behöver fler pumpar till tunnlarna.")
    SupportRequest.objects.create(
        incident=incident,
        raised_by=rsib,
        kind=SupportRequest.Kind.RESOURCE,
        title="Pumpar till Huddinge",
        description="Två länspumpar behövs.",
        needed_by=timezone.now() + datetime.timedelta(hours=3),
    )
    services.message_draft(
        incident=incident,
        by=rkk,
        target_group="Allmänheten",
        channel="Webb",
        text="Undvik tunnlarna, pumpen arbetar.",
        senders=[seat.actor],
    )

    response = secretariat.get(*url(incident, q="pump"))

    assert hits(response, "reports").total == 1
    assert hits(response, "requests").total == 1
    assert hits(response, "messages").total == 1
    page = response.content.decode()
    assert "Pumpar till Huddinge" in page
    assert SupportRequest.objects.get().get_absolute_url() in page


def test_another_incidents_records_are_not_found(incident, forum, rsib, secretariat):
    other = services.incident_activate(activated_by=rsib, title="Brand", forums=[forum])
    services.log_note(incident=other, by=rsib, text="Skogsbrand i Tyresta.")

    response = secretariat.get(*url(incident, q="skogsbrand"))

    assert all(group.total == 0 for group in response.context["groups"])
    assert "Inga träffar." in response.content.decode()


def test_snippets_escape_what_was_typed(incident, rsib, secretariat):
    services.log_note(incident=incident, by=rsib, text="Larm från R&D: avstånd 5 < 7 km")

    response = secretariat.get(*url(incident, q="larm"))

    snippet = str(hits(response, "log").hits[0].snippet)
    assert snippet.startswith("<mark>Larm</mark> från R&amp;D")
    assert "5 &lt; 7 km" in snippet


def test_without_words_the_page_asks_for_them(incident, secretariat):
    response = secretariat.get(*url(incident))
    assert response.context["groups"] == []
    assert "Skriv ett eller flera ord att söka efter." in response.content.decode()


def test_one_kind_is_paginated(incident, rsib, secretariat):
    for n in range(core_search.PER_PAGE + 5):
        services.log_note(incident=incident, by=rsib, text=f"Elavbrott nummer {n}")

    every_kind = secretariat.get(*url(incident, q="elavbrott"))
    first = secretariat.get(*url(incident, q="elavbrott", kind="log"))
    second = secretariat.get(*url(incident, q="elavbrott", kind="log", page=2))

    assert len(hits(every_kind, "log").hits) == core_search.PER_KIND
    assert "kind=log" in every_kind.content.decode()
    assert [g.kind.key for g in first.context["groups"]] == ["log"]
    assert len(hits(first, "log").hits) == core_search.PER_PAGE
    assert len(hits(second, "log").hits) == 5
    assert 'rel="next"' in first.content.decode()


def test_search_queries_do_not_grow_with_the_hits(
    incident, seat, holder, rsib, secretariat, django_assert_max_num_queries
):
    def load():
        with django_assert_max_num_queries(30) as counted:
            secretariat.get(*url(incident, q="elavbrott"))
        return len(counted)

    services.log_note(incident=incident, by=rsib, text="Elavbrott")
    report(incident, seat.actor, holder, situation="Elavbrott")
    load()  # the first request of the session saves it
    one = load()
    for _n in range(10):
        services.log_note(incident=incident, by=holder, text="Elavbrott igen")
        report(incident, seat.actor, holder, situation="Elavbrott kvarstår")
    assert load() == one


def test_the_fallback_without_postgresql_matches_substrings(
    incident, rsib, secretariat, monkeypatch
):
    monkeypatch.setattr(core_search, "_uses_postgres", lambda: False)
    services.log_note(incident=incident, by=rsib, text="Stor översvämning vid Kista")

    response = secretariat.get(*url(incident, q="ÖVERSVÄMNING"))

    log = hits(response, "log")
    assert log.total == 1
    assert str(log.hits[0].snippet) == "Stor <mark>översvämning</mark> vid Kista"


def test_the_incident_page_links_to_its_search(incident, secretariat):
    page = secretariat.get(incident.get_absolute_url()).content.decode()
    assert reverse("incidents:incident_search", args=[incident.pk]) in page


SEARCH_PAGES = [("incidents:incident_search", {"pk": "incident"}, READ)]


@pytest.mark.parametrize(("name", "kwargs", "expected"), SEARCH_PAGES, ids=["incident_search"])
def test_permission_matrix(name, kwargs, expected, objects, clients):
    check_permission_matrix(name, kwargs, expected, objects, clients)


def test_an_outsider_cannot_search_the_incident(incident, rsib, outsider):
    services.log_note(incident=incident, by=rsib, text="Hemlig plan")
    response = client_for(outsider).get(*url(incident, q="plan"))
    assert response.status_code == 404
