"""Every change to agreements, fee schedules, payments, reminders and reimbursements goes
through these functions. Issuing invoices and credit notes (numbered documents) is in
``invoicing``."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from actors.models import Actor
from core.params import FIRST_YEAR, LAST_YEAR

from . import selectors
from .documents import invoice_address_message
from .fees import swedish_number
from .formats import bgmax
from .messages import reminder_subject, reminder_text, seller_bankgiro
from .models import Agreement, FeeSchedule, Invoice, Payment, Reimbursement

M = TypeVar("M", bound=models.Model)


def _assign_save(instance: M, data: dict[str, Any]) -> M:
    """Set the fields (files as a model form sets them: ``False`` clears), check the model's
    rules and constraints, save, then set the many-to-many fields."""
    fields = {f.name: f for f in instance._meta.get_fields() if f.name in data}
    if unknown := set(data) - set(fields):
        raise TypeError(f"{type(instance).__name__} has no field {', '.join(sorted(unknown))}")
    many = [name for name, f in fields.items() if f.many_to_many]
    plain = [name for name in fields if name not in many]
    # Files last, so an upload_to may use the other fields (as Django's model forms do).
    plain.sort(key=lambda name: isinstance(fields[name], models.FileField))
    for name in plain:
        fields[name].save_form_data(instance, data[name])
    instance.full_clean()
    instance.save()
    for name in many:
        fields[name].save_form_data(instance, data[name])
    return instance


# --- Fee schedules and agreements -----------------------------------------------------------


@transaction.atomic(durable=True)
def fee_schedule_create(**data: Any) -> FeeSchedule:
    return _assign_save(FeeSchedule(), data)


@transaction.atomic(durable=True)
def fee_schedule_update(*, schedule: FeeSchedule, **data: Any) -> FeeSchedule:
    return _assign_save(schedule, data)


@transaction.atomic(durable=True)
def agreement_create(**data: Any) -> Agreement:
    return _assign_save(Agreement(), data)


@transaction.atomic(durable=True)
def agreement_update(*, agreement: Agreement, **data: Any) -> Agreement:
    return _assign_save(agreement, data)


# --- Payments -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def payment_register(
    *,
    invoice: Invoice | None,
    amount: Decimal,
    paid_on: datetime.date,
    reference: str = "",
    note: str = "",
) -> Payment:
    if amount <= 0:
        raise ValidationError(_("A payment must be more than 0."))
    return Payment.objects.create(
        invoice=invoice, amount=amount, paid_on=paid_on, reference=reference, note=note
    )


@dataclass
class BgMaxResult:
    matched: list[Payment] = field(default_factory=list)
    unmatched: list[Payment] = field(default_factory=list)
    partial: list[Payment] = field(default_factory=list)
    already_imported: int = 0
    errors: list[str] = field(default_factory=list)


@transaction.atomic(durable=True)
def bgmax_import(*, content: str, filename: str) -> BgMaxResult:
    """Import a Bankgirot BgMax file, all or nothing: payments are matched on the OCR reference;
    the others are kept as unmatched for the secretariat. Importing a file again adds nothing."""
    result = BgMaxResult()
    parsed, result.errors = bgmax.parse(content)
    if result.errors:
        return result
    invoices = {i.ocr: i for i in Invoice.objects.filter(kind=Invoice.Kind.INVOICE).exclude(ocr="")}
    for item in parsed:
        key = f"bgmax:{item.serial}" if item.serial else f"bgmax:{filename}:{item.line}"[:100]
        if Payment.objects.filter(source_key=key).exists():
            result.already_imported += 1
            continue
        invoice = invoices.get(item.reference)
        payment = Payment.objects.create(
            invoice=invoice,
            amount=item.amount,
            paid_on=item.paid_on,
            reference=item.reference,
            source=Payment.Source.BGMAX,
            source_file=filename,
            source_key=key,
        )
        if invoice is None:
            result.unmatched.append(payment)
        elif selectors.outstanding(invoice) > 0:
            result.partial.append(payment)
        else:
            result.matched.append(payment)
    return result


@transaction.atomic(durable=True)
def invoice_reminders_send(*, today: datetime.date | None = None) -> int:
    """A reminder for each overdue invoice, once per invoice (through the outbox)."""
    from notifications.services import notifications_queue

    bankgiro = seller_bankgiro()  # the same for every reminder of the run
    messages = [
        invoice_address_message(
            invoice,
            subject=reminder_subject(invoice),
            body=reminder_text(invoice, invoice.outstanding_amount, bankgiro=bankgiro),
            key=f"invoice-reminder:{invoice.pk}",
        )
        for invoice in selectors.overdue_invoices(today=today)
        # An internal settlement is booked, never sent: nothing to remind of.
        if invoice.kind != Invoice.Kind.INTERNAL and invoice.buyer_email
    ]
    return len(notifications_queue(messages))


# --- Reimbursements -------------------------------------------------------------------------


def rostered_hours(*, actor: Actor, year: int) -> Decimal:
    """The hours the actor's staff were rostered in RSIB and RKK shifts in the year. The roster
    is the incidents app's; membership reads it through the function the setting names, so it
    does not depend on that app."""
    hours = import_string(settings.MEMBERSHIP_ROSTERED_HOURS)(actor=actor, year=year)
    return Decimal(str(hours)).quantize(Decimal("0.01"))


@transaction.atomic(durable=True)
def reimbursement_claim(
    *,
    actor: Actor,
    year: int,
    amount: Decimal,
    hours: Decimal,
    description: str = "",
    justification: str = "",
) -> Reimbursement:
    """Register an actor's claim for the year (one per actor and year), with the roster's hours
    recorded; a claim of more hours than the roster has needs a justification."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                "year": _("Enter a year between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )
    rostered = rostered_hours(actor=actor, year=year)
    if hours > rostered and not justification.strip():
        raise ValidationError(
            {
                "justification": _(
                    "%(hours)s hours are claimed, but the roster has %(rostered)s hours of RSIB "
                    "and RKK shifts for %(actor)s in %(year)s: justify the %(difference)s hours "
                    "above the roster."
                )
                % {
                    "hours": swedish_number(hours),
                    "rostered": swedish_number(rostered),
                    "actor": actor.name,
                    "year": year,
                    "difference": swedish_number(hours - rostered),
                }
            }
        )
    claim = Reimbursement(
        actor=actor,
        year=year,
        amount=amount,
        hours=hours,
        rostered_hours=rostered,
        description=description,
        justification=justification.strip(),
    )
    claim.full_clean()
    claim.save()
    return claim


@transaction.atomic(durable=True)
def reimbursement_decide(
    *, reimbursement: Reimbursement, status: str, above_roster_confirmed: bool = False
) -> Reimbursement:
    """Approve, then pay, a claim. Approving a claim of more hours than the roster had needs
    the approver's explicit confirmation of the difference."""
    order = [Reimbursement.Status.CLAIMED, Reimbursement.Status.APPROVED, Reimbursement.Status.PAID]
    if status not in order or order.index(status) != order.index(reimbursement.status) + 1:
        raise ValidationError(_("A claim is approved, then paid."))
    if (
        status == Reimbursement.Status.APPROVED
        and reimbursement.is_over_roster
        and not above_roster_confirmed
    ):
        raise ValidationError(
            _(
                "The claim of %(actor)s is %(difference)s hours above the roster (%(hours)s "
                "claimed, %(rostered)s rostered): tick the box to confirm that you approve them."
            )
            % {
                "actor": reimbursement.actor.name,
                "difference": swedish_number(reimbursement.hours_over_roster),
                "hours": swedish_number(reimbursement.hours),
                "rostered": swedish_number(reimbursement.rostered_hours),
            }
        )
    reimbursement.status = status
    reimbursement.decided_at = timezone.now()
    reimbursement.save(update_fields=["status", "decided_at"])
    return reimbursement
