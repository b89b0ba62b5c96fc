"""The incident page's live checklist: ``{% incident_checklist incident as checklist %}``."""

from django import template

from .. import selectors
from ..models import ChecklistItem

register = template.Library()


@register.simple_tag(takes_context=True)
def incident_checklist(context, incident) -> dict:
    """The items with owner and who ticked them, and which of them the user may tick. One
    query for the items, whatever their number."""
    request = context.get("request")
    user = getattr(request, "user", None)
    coordinator = context.get("coordinator")
    if coordinator is None:
        coordinator = selectors.can_coordinate(user)
    my_actors = context.get("my_actors")
    if my_actors is None:
        my_actors = selectors.user_actors(user)
    mine = {a.pk for a in my_actors}
    items = list(
        ChecklistItem.objects.filter(incident=incident)
        .select_related("owner", "done_by")
        .order_by("position")
    )
    for item in items:
        item.may_tick = incident.is_active and (coordinator or item.owner_id in mine)
    return {
        "items": items,
        "coordinator": coordinator,
        "done": sum(1 for i in items if not i.is_open),
    }
