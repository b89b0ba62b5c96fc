import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from membership import selectors, services
from membership.models import Reimbursement

pytestmark = pytest.mark.django_db
D = datetime.date


def test_overdue_invoices_are_reminded_once(issued, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        # only Huddinge has an e-mail
        assert services.invoice_reminders_send(today=D(2027, 1, 15)) == 1
        services.invoice_reminders_send(today=D(2027, 1, 16))
    reminders = [m for m in mailoutbox if "Påminnelse" in m.subject]
    assert len(reminders) == 1 and reminders[0].to == ["faktura@huddinge.example"]


def test_reimbursements_and_the_yearly_statement(issued):
    claim = Reimbursement.objects.create(
        actor=issued["Polisen"].actor, year=2026, amount=Decimal("150000"), hours=Decimal("720")
    )
    with pytest.raises(ValidationError):
        services.reimbursement_decide(reimbursement=claim, status="paid")
    services.reimbursement_decide(reimbursement=claim, status="approved")
    services.payment_register(
        invoice=issued["Polisen"], amount=Decimal("280000"), paid_on=D(2026, 12, 20)
    )
    statement = selectors.yearly_statement(2026)
    assert statement["invoiced"] == Decimal("451457.50")
    assert statement["paid"] == Decimal("280000")
    assert statement["outstanding"] == Decimal("171457.50")
    assert statement["reimbursements_approved"] == Decimal("150000")
    assert statement["reimbursements_paid"] == 0


def test_an_actor_claims_once_a_year(run_2026):
    police = run_2026[1]
    # No shifts in the roster: the hours need a justification (tests/membership/
    # test_reimbursement_roster.py); here the second claim is refused for the year.
    services.reimbursement_claim(
        actor=police, year=2026, amount=Decimal("1000"), hours=Decimal("10"), justification="J"
    )
    with pytest.raises(ValidationError) as refused:
        services.reimbursement_claim(
            actor=police, year=2026, amount=Decimal("2000"), hours=Decimal("20"), justification="J"
        )
    assert "justification" not in refused.value.message_dict


def test_a_notice_before_signing_is_refused(run_2026):
    with pytest.raises(ValidationError):
        services.agreement_create(
            actor=run_2026[1],
            signed_on=D(2026, 3, 1),
            signatory_name="B",
            termination_notified_on=D(2025, 1, 1),
        )


def test_a_fee_schedule_is_saved_with_its_double_fee_actors(run_2026):
    schedule = services.fee_schedule_create(year=2027, double_fee_actors=[run_2026[1]])
    assert list(schedule.double_fee_actors.all()) == [run_2026[1]]
    services.fee_schedule_update(
        schedule=schedule, double_fee_actors=[], approved_on=D(2026, 11, 1)
    )
    schedule.refresh_from_db()
    assert schedule.is_approved and not schedule.double_fee_actors.exists()
