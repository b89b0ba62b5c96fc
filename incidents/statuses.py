"""Actor statuses that move by themselves (alerted → acknowledged → reporting), below the
services and the alerting modules that advance them."""

from typing import Any

from django.db import transaction

from actors.models import Actor

from .models import ActorStatus, Incident

AUTOMATIC_STATUSES = [
    ActorStatus.Status.ALERTED,
    ActorStatus.Status.ACKNOWLEDGED,
    ActorStatus.Status.REPORTING,
]


@transaction.atomic
def actor_status_advance(
    *, incident: Incident, actor: Actor, to: str, by: Any = None
) -> ActorStatus | None:
    """Move an actor's status forward by itself: alerted → acknowledged (its first
    acknowledgement) → reporting (its first report). Never backwards, and never over a status
    the RSIB or the actor set by hand (standing by, active, unable, not involved): None then."""
    # The incident row orders the advances of one incident (report_submit holds it already).
    locked = Incident.objects.select_for_update().only("status").get(pk=incident.pk)
    if not locked.is_active:
        return None
    current = (
        ActorStatus.objects.filter(incident=incident, actor=actor)
        .order_by("-set_at", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    if current is not None and (
        current not in AUTOMATIC_STATUSES
        or AUTOMATIC_STATUSES.index(current) >= AUTOMATIC_STATUSES.index(to)
    ):
        return None
    return ActorStatus.objects.create(incident=incident, actor=actor, status=to, set_by=by)
