"""Roster writes: shifts, handover notes and requested changes, decided by the secretariat."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Actor, Person
from core.rules import require

from ..models import Shift, ShiftChange


@transaction.atomic(durable=True)
def shift_create(
    *,
    role: str,
    person: Person,
    lending_actor: Actor,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    handover_note: str = "",
) -> Shift:
    shift = Shift(
        role=role,
        person=person,
        lending_actor=lending_actor,
        starts_at=starts_at,
        ends_at=ends_at,
        handover_note=handover_note,
    )
    require(ends_at > starts_at, _("The shift must end after it starts."))
    shift.full_clean()
    overlapping = Shift.objects.filter(role=role, starts_at__lt=ends_at, ends_at__gt=starts_at)
    require(
        not overlapping.exists(),
        _("Someone is already on duty as %(role)s during part of that time.")
        % {"role": shift.get_role_display()},
    )
    shift.save()
    return shift


@transaction.atomic(durable=True)
def shift_handover_note(*, shift: Shift, note: str) -> Shift:
    shift.handover_note = note
    shift.save(update_fields=["handover_note"])
    return shift


@transaction.atomic(durable=True)
def shift_change_request(
    *, shift: Shift, new_person: Person, reason: str, requested_by: Any
) -> ShiftChange:
    require(shift.ends_at > timezone.now(), _("A shift that is over cannot be changed."))
    require(new_person.pk != shift.person_id, _("Choose someone else than the person on duty."))
    return ShiftChange.objects.create(
        shift=shift, new_person=new_person, reason=reason, requested_by=requested_by
    )


@transaction.atomic(durable=True)
def shift_change_decide(*, change: ShiftChange, approve: bool, decided_by: Any) -> ShiftChange:
    change = ShiftChange.objects.select_for_update().select_related("shift").get(pk=change.pk)
    require(change.status == ShiftChange.Status.PENDING, _("The request is already decided."))
    change.status = ShiftChange.Status.APPROVED if approve else ShiftChange.Status.REJECTED
    change.decided_by = decided_by
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        shift = change.shift
        shift.person = change.new_person
        shift.save(update_fields=["person"])
    return change


def personal_data(person: Person) -> dict[str, list[dict[str, Any]]]:
    """A person's on-call shifts, for their data export."""
    return {
        "shifts": [
            {
                "role": shift.role,
                "starts_at": shift.starts_at.isoformat(),
                "ends_at": shift.ends_at.isoformat(),
                "lending_actor": shift.lending_actor.name,
            }
            for shift in person.shifts.select_related("lending_actor").order_by("starts_at")
        ]
    }
