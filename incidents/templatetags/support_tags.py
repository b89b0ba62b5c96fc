"""What the incident, picture, PDF and follow-up pages show of requests for support (their
hooks include the templates in templates/incidents/support/)."""

import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from incidents import selectors as incident_selectors
from incidents.models import SupportRequest
from incidents.support import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def incident_support(context: template.Context, incident: Any) -> dict[str, Any]:
    """The incident page's panel: open requests, and whether the viewer may raise one."""
    user = context["request"].user
    # The incident page has these already (its view); other pages leave them to be read here.
    coordinator = context.get("coordinator")
    if coordinator is None:
        coordinator = incident_selectors.can_coordinate(user)
    return {
        "requests": selectors.open_requests(incident),
        "may_raise": selectors.may_raise(
            user,
            incident,
            coordinator=coordinator,
            mine=context.get("my_actors"),
            expected=context.get("expected_actors"),
        ),
        "coordinator": coordinator,
    }


@register.simple_tag
def picture_support(incident: Any) -> dict[str, Any]:
    return selectors.picture_panel(incident)


@register.simple_tag
def follow_up_support(incident: Any) -> list:
    return selectors.follow_up_rows(incident)


@register.filter
def request_status_label(value: str) -> str:
    return dict(SupportRequest.Status.choices).get(value, value)


@register.filter
def request_priority_label(value: str) -> str:
    return dict(SupportRequest.Priority.choices).get(value, value)


@register.filter
def request_kind_label(value: str) -> str:
    return dict(SupportRequest.Kind.choices).get(value, value)


@register.filter
def from_iso(value: str) -> datetime.datetime | None:
    """A snapshot's ISO time as a local datetime, for the date filter."""
    moment = parse_datetime(value or "")
    return timezone.localtime(moment) if moment else None


@register.filter
def minutes(delta: datetime.timedelta | None) -> str:
    """A duration as hours and minutes (``2 h 05 min``), or a dash."""
    if delta is None:
        return "–"
    total = max(int(delta.total_seconds() // 60), 0)
    hours, mins = divmod(total, 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"
