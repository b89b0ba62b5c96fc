"""Issue 19, point 9: reimbursement claims checked against the roster's RSIB and RKK hours."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from incidents.models import OnCallRole
from incidents.roster import services as roster_services
from incidents.roster.selectors import rostered_hours
from membership import services
from membership.models import Reimbursement
from tests.factories import ActorFactory, PersonFactory

pytestmark = pytest.mark.django_db
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=STOCKHOLM)


@pytest.fixture
def brandforsvar():
    """Storstockholms brandförsvar rostered 168 hours of 2026: six RSIB shifts of 24 hours and
    one of 8 in March, and an RKK shift across New Year (16 of its 24 hours in 2026); its TiB
    shift does not count."""
    actor = ActorFactory(name="Storstockholms brandförsvar")
    person = PersonFactory(actor=actor)
    for day in range(2, 8):
        roster_services.shift_create(
            role=OnCallRole.RSIB,
            person=person,
            lending_actor=actor,
            starts_at=at(2026, 3, day, 8),
            ends_at=at(2026, 3, day + 1, 8),
        )
    roster_services.shift_create(
        role=OnCallRole.RSIB,
        person=person,
        lending_actor=actor,
        starts_at=at(2026, 3, 8, 8),
        ends_at=at(2026, 3, 8, 16),
    )
    roster_services.shift_create(
        role=OnCallRole.RKK,
        person=person,
        lending_actor=actor,
        starts_at=at(2026, 12, 31, 8),
        ends_at=at(2027, 1, 1, 8),
    )
    roster_services.shift_create(
        role=OnCallRole.TIB,
        person=person,
        lending_actor=actor,
        starts_at=at(2026, 4, 1, 8),
        ends_at=at(2026, 4, 2, 8),
    )
    return actor


def test_rostered_hours_are_rsib_and_rkk_in_the_year(brandforsvar):
    assert rostered_hours(actor=brandforsvar, year=2026) == Decimal("168.00")
    assert rostered_hours(actor=brandforsvar, year=2027) == Decimal("8.00")
    assert rostered_hours(actor=ActorFactory(), year=2026) == 0


def test_a_claim_above_the_roster_needs_a_justification(brandforsvar):
    # a year without shifts: every claimed hour is above the roster
    with pytest.raises(ValidationError) as refused:
        services.reimbursement_claim(
            actor=brandforsvar, year=2025, amount=Decimal("900000"), hours=Decimal("4380")
        )
    assert Reimbursement.objects.count() == 0
    brandforsvar_2026_hours = rostered_hours(actor=brandforsvar, year=2026)
    assert "justification" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.reimbursement_claim(
            actor=brandforsvar,
            year=2026,
            amount=Decimal("900000"),
            hours=Decimal("4380"),
            justification="   ",
        )
    message = refused.value.message_dict["justification"][0]
    # 4 380 hours claimed against 168 rostered
    assert "4\u00a0380" in message and "168" in message and "4\u00a0212" in message
    claim = services.reimbursement_claim(
        actor=brandforsvar,
        year=2026,
        amount=Decimal("900000"),
        hours=Decimal("4380"),
        justification="Beredskap dygnet runt under hela året enligt avtal.",
    )
    assert claim.rostered_hours == brandforsvar_2026_hours
    assert claim.hours_over_roster == Decimal("4212")


def test_a_claim_within_the_roster_needs_no_justification(brandforsvar):
    claim = services.reimbursement_claim(
        actor=brandforsvar, year=2026, amount=Decimal("1000"), hours=Decimal("168")
    )
    assert claim.rostered_hours == Decimal("168") and not claim.is_over_roster
    services.reimbursement_decide(reimbursement=claim, status="approved")


def test_the_page_refuses_then_accepts_and_the_approval_needs_confirmation(
    brandforsvar, secretariat
):
    url = reverse("membership:reimbursements")
    data = {"actor": brandforsvar.pk, "year": 2026, "amount": "900000", "hours": "4380"}
    refused = secretariat.post(url, data)
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "4\u00a0380 timmar begärs" in page and "168 timmar" in page
    assert Reimbursement.objects.count() == 0

    accepted = secretariat.post(url, {**data, "justification": "Dygnsberedskap hela året."})
    assert accepted.status_code == 302
    claim = Reimbursement.objects.get()
    assert claim.rostered_hours == Decimal("168")

    listing = secretariat.get(url).content.decode()
    assert "+4\u00a0212" in listing and "tag--alert" in listing
    assert "Jag godkänner 4\u00a0212 timmar utöver schemat" in listing

    decide = reverse("membership:reimbursement_decide", args=[claim.pk])
    secretariat.post(decide, {"status": "approved"})
    claim.refresh_from_db()
    assert claim.status == "claimed"
    secretariat.post(decide, {"status": "approved", "confirm_above_roster": "yes"})
    claim.refresh_from_db()
    assert claim.status == "approved"
