import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from incidents.models import OnCallRole, Shift, ShiftChange
from incidents.roster import selectors, services
from tests.factories import ActorFactory, PersonFactory

pytestmark = pytest.mark.django_db
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=STOCKHOLM)


@pytest.fixture
def lender():
    return ActorFactory(name="Storstockholms brandförsvar")


def shift(role, start, end, lender, person=None):
    return services.shift_create(
        role=role,
        person=person or PersonFactory(),
        lending_actor=lender,
        starts_at=start,
        ends_at=end,
    )


def test_who_is_on_duty_follows_the_clock(lender):
    first = shift(OnCallRole.RSIB, at(2026, 3, 2, 8), at(2026, 3, 3, 8), lender)
    second = shift(OnCallRole.RSIB, at(2026, 3, 3, 8), at(2026, 3, 4, 8), lender)
    with time_machine.travel(at(2026, 3, 3, 7, 59), tick=False):
        assert selectors.on_duty()[OnCallRole.RSIB] == first
    with time_machine.travel(at(2026, 3, 3, 8, 0), tick=False):
        assert selectors.on_duty()[OnCallRole.RSIB] == second
    with time_machine.travel(at(2026, 3, 4, 8, 0), tick=False):
        assert OnCallRole.RSIB not in selectors.on_duty()


def test_overlapping_shifts_in_one_role_are_refused(lender):
    shift(OnCallRole.RSIB, at(2026, 3, 2, 8), at(2026, 3, 3, 8), lender)
    with pytest.raises(ValidationError):
        shift(OnCallRole.RSIB, at(2026, 3, 3, 7), at(2026, 3, 4, 8), lender)
    shift(OnCallRole.RKK, at(2026, 3, 3, 7), at(2026, 3, 4, 8), lender)  # another role is fine
    assert Shift.objects.count() == 2


def test_a_shift_that_ends_before_it_starts_is_refused(lender):
    with pytest.raises(ValidationError):
        shift(OnCallRole.RSIB, at(2026, 3, 3, 8), at(2026, 3, 2, 8), lender)


def test_gaps_in_the_roster_are_found(lender):
    shift(OnCallRole.RSIB, at(2026, 3, 2, 8), at(2026, 3, 3, 8), lender)
    shift(OnCallRole.RSIB, at(2026, 3, 3, 12), at(2026, 3, 4, 8), lender)
    gaps = selectors.coverage_gaps(
        role=OnCallRole.RSIB, start=at(2026, 3, 2, 0), end=at(2026, 3, 4, 8)
    )
    assert gaps == [(at(2026, 3, 2, 0), at(2026, 3, 2, 8)), (at(2026, 3, 3, 8), at(2026, 3, 3, 12))]


def test_hours_count_the_real_length_of_dst_nights(lender):
    # Summer time starts 29 March 2026 (23-hour day) and ends 25 October 2026 (25-hour day).
    spring = shift(OnCallRole.RSIB, at(2026, 3, 29, 0), at(2026, 3, 30, 0), lender)
    autumn = shift(OnCallRole.RSIB, at(2026, 10, 25, 0), at(2026, 10, 26, 0), lender)
    assert (spring.hours, autumn.hours) == (23, 25)
    [(actor, role, hours)] = selectors.hours_per_actor(year=2026)
    assert (actor, role, hours) == (lender, OnCallRole.RSIB, 48)


def test_hours_are_split_at_new_year(lender):
    shift(OnCallRole.RKK, at(2026, 12, 31, 18), at(2027, 1, 1, 6), lender)
    assert selectors.hours_per_actor(year=2026)[0][2] == 6
    assert selectors.hours_per_actor(year=2027)[0][2] == 6


def test_an_approved_swap_changes_who_is_on_duty(lender, secretariat_user):
    with time_machine.travel(at(2026, 3, 1, 12), tick=False):
        original = shift(OnCallRole.RSIB, at(2026, 3, 2, 8), at(2026, 3, 3, 8), lender)
        stand_in = PersonFactory()
        change = services.shift_change_request(
            shift=original, new_person=stand_in, reason="Sjuk", requested_by=secretariat_user
        )
        services.shift_change_decide(change=change, approve=True, decided_by=secretariat_user)
        with pytest.raises(ValidationError):
            services.shift_change_decide(change=change, approve=False, decided_by=secretariat_user)
    original.refresh_from_db()
    assert original.person == stand_in
    assert ShiftChange.objects.get().status == ShiftChange.Status.APPROVED
