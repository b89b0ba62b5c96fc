"""The header's "on duty now" line is cached (the same on every page for everyone): a change to
the roster shows at once, a shift that starts or ends shows when the clock passes it, and the
line is read from the database while Redis is down."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse

from incidents.models import OnCallRole, ShiftChange
from incidents.roster import selectors, services
from tests.core.test_cache import _dead_location
from tests.factories import ActorFactory, PersonFactory

pytestmark = pytest.mark.django_db
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=STOCKHOLM)


def shift(role, start, end, person=None):
    return services.shift_create(
        role=role,
        person=person or PersonFactory(),
        lending_actor=ActorFactory(),
        starts_at=start,
        ends_at=end,
    )


def names(banner) -> list[tuple[str, str]]:
    return [(entry.role, entry.person.full_name) for entry in banner]


def on_duty_line(client) -> str:
    page = client.get(reverse("home")).content.decode()
    return re.search(r'<div class="on-duty".*?</div>\s*</div>', page, re.S).group(0)


def test_the_banner_is_who_is_on_duty(django_assert_num_queries):
    first = shift(
        OnCallRole.RSIB, at(2026, 3, 2, 8), at(2026, 3, 3, 8), PersonFactory(first_name="Ann")
    )
    shift(OnCallRole.RKK, at(2026, 3, 2, 8), at(2026, 3, 3, 8))
    with time_machine.travel(at(2026, 3, 2, 12), tick=False):
        expected = [(s.role, s.person.full_name) for s in selectors.on_duty().values()]
        with django_assert_num_queries(1):
            assert names(selectors.on_duty_banner()) == expected
        with django_assert_num_queries(0):  # from the cache
            banner = selectors.on_duty_banner()
    assert names(banner) == expected
    assert banner[0].person.get_absolute_url() == first.person.get_absolute_url()


def test_a_new_shift_shows_at_once_though_the_banner_was_cached():
    with time_machine.travel(at(2026, 3, 2, 12), tick=False):
        assert selectors.on_duty_banner() == []
        shift(
            OnCallRole.RSIB, at(2026, 3, 2, 8), at(2026, 3, 3, 8), PersonFactory(first_name="Ann")
        )
        ((role, name),) = names(selectors.on_duty_banner())
        assert role == OnCallRole.RSIB and name.startswith("Ann ")


def test_an_approved_change_of_person_shows_at_once(secretariat_user):
    duty = shift(
        OnCallRole.RSIB, at(2026, 3, 2, 8), at(2026, 3, 3, 8), PersonFactory(first_name="Ann")
    )
    stand_in = PersonFactory(first_name="Bo")
    with time_machine.travel(at(2026, 3, 2, 12), tick=False):
        assert selectors.on_duty_banner()[0].person.pk == duty.person.pk
        change = services.shift_change_request(
            shift=duty, new_person=stand_in, reason="Sjuk", requested_by=secretariat_user
        )
        services.shift_change_decide(change=change, approve=True, decided_by=secretariat_user)
        assert ShiftChange.objects.get(pk=change.pk).status == ShiftChange.Status.APPROVED
        assert selectors.on_duty_banner()[0].person.pk == stand_in.pk


def test_the_cached_banner_never_outlives_a_shift_that_starts_or_ends():
    shift(OnCallRole.RSIB, at(2026, 3, 2, 8), at(2026, 3, 3, 8), PersonFactory(first_name="Ann"))
    shift(OnCallRole.RSIB, at(2026, 3, 3, 8), at(2026, 3, 4, 8), PersonFactory(first_name="Bo"))
    with time_machine.travel(at(2026, 3, 3, 7, 59, 30), tick=False):
        assert selectors.on_duty_banner()[0].person.full_name.startswith("Ann")  # cached now
    with time_machine.travel(at(2026, 3, 3, 8, 0, 0), tick=False):
        assert selectors.on_duty_banner()[0].person.full_name.startswith("Bo")
    with time_machine.travel(at(2026, 3, 4, 8, 0, 0), tick=False):
        assert selectors.on_duty_banner() == []


def test_the_header_shows_the_banner_and_reads_the_database_while_redis_is_down(member, settings):
    now = datetime.datetime.now(tz=STOCKHOLM)
    shift(
        OnCallRole.TIB,
        now - datetime.timedelta(hours=1),
        now + datetime.timedelta(hours=1),
        PersonFactory(first_name="Ann"),
    )
    assert "TIB" in on_duty_line(member) and "Ann" in on_duty_line(member)
    settings.CACHES = {
        "default": {**django_settings.CACHES["default"], "LOCATION": _dead_location()}
    }
    shift(
        OnCallRole.RSIB,
        now - datetime.timedelta(hours=1),
        now + datetime.timedelta(hours=1),
        PersonFactory(first_name="Bo"),
    )
    line = on_duty_line(member)
    assert "Ann" in line and "Bo" in line
