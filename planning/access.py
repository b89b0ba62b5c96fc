"""Who may edit what in ordinary mode: the secretariat everything, an actor's designated contact
(whoever holds or deputises for the contact function at the actor today) the actor's own rows."""

from typing import Any

from django.utils import timezone

from actors.models import Assignment
from actors.selectors import current_assignments_q
from core.access import is_secretariat

from .models import PlanningSettings


def planning_settings() -> PlanningSettings:
    settings, _created = PlanningSettings.objects.select_related(
        "adopting_forum", "presenting_forum", "contact_function"
    ).get_or_create(pk=1)
    return settings


def contact_actor_ids(user: Any) -> frozenset[int]:
    """The actors the user is the designated contact of today; cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_ssr_contact_actor_ids", None)
    if cached is None:
        function_id = PlanningSettings.objects.filter(pk=1).values_list(
            "contact_function_id", flat=True
        )
        cached = frozenset(
            Assignment.objects.filter(
                current_assignments_q(timezone.localdate()),
                person__user=user,
                actor_function__function_id__in=function_id,
            ).values_list("actor_function__actor_id", flat=True)
        )
        user._ssr_contact_actor_ids = cached
    return cached


def is_contact(user: Any) -> bool:
    return bool(contact_actor_ids(user))


def may_edit_for(user: Any, actor_id: int | None) -> bool:
    """The secretariat, or the designated contact of ``actor_id`` (None = the secretariat's)."""
    if is_secretariat(user):
        return True
    return actor_id is not None and actor_id in contact_actor_ids(user)
