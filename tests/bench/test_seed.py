"""The bench seed: the benchmark dataset at a tiny scale (the real scales run in make bench)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from actors.models import Actor, Person
from bench.seed import Command
from bench.world import BENCH_INCIDENT_TITLE, BENCH_USERNAME, INVOICE_RUN_YEARS
from forums.models import Forum
from incidents.models import (
    Incident,
    IncidentUserObjectPermission,
    SituationPicture,
    SituationReport,
)
from incidents.services import incident_access_sync
from membership.invoicing import issue_check
from membership.models import Invoice
from tests.membership.conftest import seller  # noqa: F401  (the invoice run needs a seller)

pytestmark = pytest.mark.django_db


def fingerprint():
    return sorted(
        SituationReport.objects.values_list("actor__name", "version", "impact", "situation")
    )


def test_scale_sets_the_counts(capsys):
    call_command(Command(), "--scale", "0.01", verbosity=0)
    assert Actor.objects.count() == 3
    assert Person.objects.count() == 30 + 1  # and the bench member
    assert Forum.objects.count() == 1
    assert Incident.objects.count() == 1
    assert SituationReport.objects.count() == 200
    assert SituationPicture.objects.count() == 5
    assert Invoice.objects.count() == 10
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 1


def _empty_database():
    """The seed's services are durable (outermost) transactions, so a test cannot roll one seed
    back inside its own transaction: it empties the database between seeds instead."""
    call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_gives_the_same_data():
    call_command(Command(), "--scale", "0.01", verbosity=0)
    first = fingerprint()
    _empty_database()
    call_command(Command(), "--scale", "0.01", verbosity=0)
    assert fingerprint() == first
    assert len(first) == 200


def test_the_bench_member_sees_the_activated_incident_without_a_second_factor():
    call_command(Command(), "--scale", "0.01", verbosity=0)
    incident = Incident.objects.get(title=BENCH_INCIDENT_TITLE)
    assert incident.is_active
    client = Client()
    client.force_login(get_user_model().objects.get(username=BENCH_USERNAME))
    response = client.get(reverse("incidents:picture", args=[incident.pk]))
    assert response.status_code == 200
    assert response.context["published"]["picture"].version == 3  # 5 pictures: full 1–3, short 1–2
    assert len(response.context["published"]["rows"]) >= 3


def test_incident_access_is_what_the_portal_s_access_sync_would_grant():
    call_command(Command(), "--scale", "0.02", verbosity=0)
    assert IncidentUserObjectPermission.objects.exists()
    assert incident_access_sync() == (0, 0)  # nothing to grant, nothing to withdraw


def test_refuses_a_database_that_has_actors():
    call_command(Command(), "--scale", "0.01", verbosity=0)
    with pytest.raises(CommandError, match="empty"):
        call_command(Command(), "--scale", "0.01", verbosity=0)


@pytest.mark.parametrize(
    "args", [["--scale", "0"], ["--scale", "21"], ["--invoice-run-actors", "0"]]
)
def test_refuses_a_scale_out_of_bounds(args):
    with pytest.raises(CommandError):
        call_command(Command(), *args, verbosity=0)
    assert not Actor.objects.exists()


def test_dry_run_prints_the_counts_and_writes_nothing(capsys):
    call_command(Command(), "--scale", "2", "--dry-run")
    out = capsys.readouterr().out
    assert "actors: 600" in out and "reports: 40000" in out
    assert not Actor.objects.exists()


def test_invoice_run_members_can_be_issued_both_years(settings):
    settings.SELLER = {**settings.SELLER, "org_number": "202100-0001", "bankgiro": "5050-1055"}
    call_command(Command(), "--invoice-run-actors", "30", verbosity=0)
    for year in INVOICE_RUN_YEARS:
        preview = issue_check(year)
        assert len(preview.rows) == 30
        assert preview.all_warnings == []


def _picture_queries(django_assert_max_num_queries, client, incident):
    counts = {}
    for name, url, headers in (
        ("page", reverse("incidents:picture", args=[incident.pk]), {}),
        ("fragment", reverse("incidents:picture_live", args=[incident.pk]), {"HX-Request": "1"}),
    ):
        client.get(url, headers=headers)  # warm: cached per picture version
        with django_assert_max_num_queries(40) as captured:
            assert client.get(url, headers=headers).status_code == 200
        counts[name] = len(captured.captured_queries)
    return counts


def _seeded_at(scale: str) -> tuple[Client, Incident]:
    """An empty database seeded at ``scale`` (and an empty cache: the ids come back), and the
    bench member logged in with the bench incident."""
    _empty_database()
    cache.clear()
    call_command(Command(), "--scale", scale, verbosity=0)
    client = Client()
    client.force_login(get_user_model().objects.get(username=BENCH_USERNAME))
    return client, Incident.objects.get(title=BENCH_INCIDENT_TITLE)


@pytest.mark.django_db(transaction=True)
def test_picture_page_and_fragment_make_as_many_queries_at_three_times_the_data(
    django_assert_max_num_queries,
):
    counts = []
    for scale in ("0.01", "0.03"):
        client, incident = _seeded_at(scale)
        counts.append(_picture_queries(django_assert_max_num_queries, client, incident))
    assert counts[0] == counts[1]


@pytest.mark.django_db(transaction=True)
def test_the_crisis_pages_make_as_many_queries_at_three_times_the_data(
    django_assert_max_num_queries,
):
    """The start page, the forum page and the actor directory as the bench member (the picture
    page: above), caches warm, at two scales."""
    counts = []
    for scale in ("0.01", "0.03"):
        client, incident = _seeded_at(scale)
        forum = incident.activated_forums.order_by("pk").first()
        at_scale = {}
        for name, url, budget in (
            ("home", reverse("home"), 30),
            ("forum", forum.get_absolute_url(), 16),
            ("directory", reverse("actors:actor_list"), 8),
        ):
            client.get(url)  # warm
            with django_assert_max_num_queries(budget) as captured:
                assert client.get(url).status_code == 200
            at_scale[name] = len(captured.captured_queries)
        counts.append(at_scale)
    assert counts[0] == counts[1]
