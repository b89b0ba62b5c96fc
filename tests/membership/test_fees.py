import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from membership.fees import fee_preview, members_for
from membership.models import Agreement, FeeSchedule, ScheduledFee
from tests.factories import ActorFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def agreement(actor, signed_on, notice=None):
    return Agreement.objects.create(
        actor=actor,
        signed_on=signed_on,
        signatory_name="Anna Andersson",
        termination_notified_on=notice,
    )


# --- Agreement periods (seed 002 "Överenskommelse") -----------------------------------------


def test_valid_retroactively_from_1_january_of_the_signing_year():
    a = agreement(ActorFactory(), D(2024, 12, 15))  # signed in December
    assert a.valid_from == D(2024, 1, 1)
    assert a.covers(2024) and a.covers(2030) and not a.covers(2023)


def test_notice_by_30_june_ends_membership_that_year():
    a = agreement(ActorFactory(), D(2020, 3, 1), notice=D(2025, 6, 30))
    assert a.ends_on == D(2025, 12, 31)
    assert a.covers(2025) and not a.covers(2026)


def test_notice_on_1_july_ends_membership_the_next_year():
    a = agreement(ActorFactory(), D(2020, 3, 1), notice=D(2025, 7, 1))
    assert a.ends_on == D(2026, 12, 31)
    assert a.covers(2026) and not a.covers(2027)


def test_a_rejoining_actor_is_invoiced_for_both_periods_not_the_gap():
    actor = ActorFactory()
    agreement(actor, D(2018, 5, 1), notice=D(2020, 2, 1))
    agreement(actor, D(2023, 9, 1))
    assert [y for y in range(2017, 2025) if actor in members_for(y)] == [
        2018,
        2019,
        2020,
        2023,
        2024,
    ]


# --- Fee schedules --------------------------------------------------------------------------


@pytest.fixture
def members():
    huddinge = MunicipalityFactory(name="Huddinge kommun", invoice_address="Box 1, Huddinge")
    huddinge.population_figures.create(
        reference_date=D(2025, 12, 31), inhabitants=114_305, source="SCB"
    )
    police = ActorFactory(name="Polisen", kind="police", invoice_address="Box 2")
    traffic = ActorFactory(
        name="Trafikverket", kind="transport_administration", invoice_address="Box 3"
    )
    guest = ActorFactory(name="Gästaktör", membership_type="associated", invoice_address="Box 4")
    for actor in (huddinge, police, traffic, guest):
        agreement(actor, D(2024, 3, 1))
    return huddinge, police, traffic, guest


def schedule_2026(traffic, guest, **extra):
    schedule = FeeSchedule.objects.create(
        year=2026, approved_on=D(2025, 11, 1), decision_reference="RCG 2025:12", **extra
    )
    schedule.double_fee_actors.add(traffic)
    ScheduledFee.objects.create(schedule=schedule, actor=guest, amount=Decimal("50000"))
    return schedule


def test_2024_model_amounts_and_bases(members):
    huddinge, police, traffic, guest = members
    schedule_2026(traffic, guest)
    preview = fee_preview(2026)
    rows = {row.actor: row for row in preview.rows}
    assert rows[huddinge].amount == Decimal("171457.50")  # 1,50 × 114 305, to the öre
    assert (
        "114\u00a0305 inhabitants on 2025-12-31 (SCB)" in rows[huddinge].basis
        or "invånare" in rows[huddinge].basis
    )
    assert rows[police].amount == Decimal("280000.00")
    assert rows[traffic].amount == Decimal("560000.00")
    assert rows[guest].amount == Decimal("50000")
    assert preview.all_warnings == []
    assert preview.total == Decimal("1061457.50")


def test_warnings_stop_the_run(members):
    huddinge, police, traffic, guest = members
    schedule = schedule_2026(traffic, guest)
    schedule.approved_on = None
    schedule.save()
    huddinge.population_figures.all().delete()
    police.invoice_address = ""
    police.save()
    warnings = fee_preview(2026).all_warnings
    assert any("inte godkänd" in w for w in warnings)
    assert any(w.startswith("Huddinge kommun:") and "2025-12-31" in w for w in warnings)
    assert any(w.startswith("Polisen:") and "fakturaadress" in w for w in warnings)


def test_no_schedule_is_a_warning():
    assert fee_preview(2031).warnings == ["Det finns ingen avgiftsplan för 2031."]


def test_2015_model_splits_the_budget_in_halves_to_the_ore(members):
    huddinge, police, traffic, guest = members
    other = MunicipalityFactory(name="Nacka kommun", invoice_address="Box 5")
    other.population_figures.create(reference_date=D(2025, 12, 31), inhabitants=100_000)
    agreement(other, D(2024, 1, 10))
    schedule = FeeSchedule.objects.create(
        year=2026, model="2015", cost_budget=Decimal("1000000.01"), approved_on=D(2025, 11, 1)
    )
    rows = {row.actor: row.amount for row in fee_preview(2026).rows}
    municipal = rows[huddinge] + rows[other]
    assert municipal == Decimal("500000.01")  # half of the budget, rounded, parts add up exactly
    assert rows[huddinge] > rows[other]
    assert rows[police] + rows[traffic] + rows[guest] == Decimal("500000.01")
    assert sum(rows.values()) == Decimal("1000000.02")
    assert schedule.population_date == D(2025, 12, 31)


def test_preview_command_csv_and_warnings(members):
    huddinge, police, traffic, guest = members
    schedule_2026(traffic, guest)
    police.invoice_address = ""
    police.save()
    out, err = StringIO(), StringIO()
    call_command("invoice_run", "2026", "--preview", "--format", "csv", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[0] == "actor,org_number,basis,amount_sek"
    assert any(
        line.startswith("Huddinge kommun,") and line.endswith(",171457.50") for line in lines
    )
    assert lines[-1] == "TOTAL,,,1061457.50"
    assert "Polisen: ingen fakturaadress" in err.getvalue()
