"""The incident page's conference panel: ``{% incident_conferences incident as panel %}``."""

from django import template
from django.utils import timezone

from .. import selectors
from ..conferences import selectors as conference_selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def incident_conferences(context, incident) -> dict:
    """Upcoming and past conferences, and the open actions with their owners (overdue marked).
    Three queries whatever the number of conferences and actions."""
    request = context.get("request")
    user = getattr(request, "user", None)
    coordinator = context.get("coordinator")
    if coordinator is None:
        coordinator = selectors.can_coordinate(user)
    now = timezone.now()
    upcoming, past = [], []
    for conference in conference_selectors.incident_conferences(incident):
        (upcoming if conference.ends_at >= now and conference.is_open else past).append(conference)
    my_actors = context.get("my_actors")
    if my_actors is None:
        my_actors = selectors.user_actors(user)
    mine = {a.pk for a in my_actors}
    actions = list(conference_selectors.open_actions(incident))
    for action in actions:
        action.overdue = conference_selectors.is_overdue(action, now)
        action.may_mark = coordinator or action.owner_id in mine
    return {
        "upcoming": upcoming,
        "past": list(reversed(past)),
        "actions": actions,
        "coordinator": coordinator,
    }
