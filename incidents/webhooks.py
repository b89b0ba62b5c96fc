"""The incident events actors' systems may subscribe to (``notifications.webhooks``). Each goes
only to the actors who see the object in the portal: the involved actors (seats in the activated
forums, affected municipalities) or, for a request for support, the actors asked. The payload
holds what those actors' people see on the pages it links to, and no more.

Called from the services in their transaction: the outbox sends after commit."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actors.models import Actor
from notifications.webhooks import register_event, webhook_event

from . import selectors
from .models import Direction, Incident, SituationPicture, SupportRequest

INCIDENT_ACTIVATED = "incident.activated"
INCIDENT_DEACTIVATED = "incident.deactivated"
PICTURE_PUBLISHED = "picture.published"
DIRECTION_ISSUED = "direction.issued"
SUPPORT_REQUEST_ADDRESSED = "support_request.addressed"


def register() -> None:
    register_event(INCIDENT_ACTIVATED, label=_("Incident activated"))
    register_event(INCIDENT_DEACTIVATED, label=_("Incident deactivated"))
    register_event(PICTURE_PUBLISHED, label=_("Situation picture published"))
    register_event(DIRECTION_ISSUED, label=_("Direction issued"))
    register_event(SUPPORT_REQUEST_ADDRESSED, label=_("Request for support addressed to the actor"))


def _url(path: str) -> str:
    return settings.SITE_URL + path


def _incident(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "title": incident.title,
        "is_exercise": incident.is_exercise,
        "url": _url(incident.get_absolute_url()),
    }


def _to_involved(event: str, incident: Incident, *, occurred_at, key: str, **extra: Any) -> None:
    """The event to the subscriptions of the incident's involved actors."""
    webhook_event(
        event,
        actor_ids=[actor.pk for actor in selectors.expected_actors(incident)],
        payload={"occurred_at": occurred_at, "incident": _incident(incident), **extra},
        key=key,
    )


def incident_activated(incident: Incident) -> None:
    _to_involved(
        INCIDENT_ACTIVATED,
        incident,
        occurred_at=incident.activated_at,
        key=f"incident-activated:{incident.pk}",
    )


def incident_deactivated(incident: Incident) -> None:
    _to_involved(
        INCIDENT_DEACTIVATED,
        incident,
        occurred_at=incident.deactivated_at,
        key=f"incident-deactivated:{incident.pk}",
    )


def picture_published(picture: SituationPicture) -> None:
    incident = picture.incident
    _to_involved(
        PICTURE_PUBLISHED,
        incident,
        occurred_at=picture.published_at,
        key=f"picture:{picture.pk}",
        picture={
            "id": picture.pk,
            "audience": picture.audience,
            "version": picture.version,
            "url": _url(reverse("incidents:picture", args=[incident.pk])),
        },
    )


def direction_issued(direction: Direction) -> None:
    incident = direction.incident
    _to_involved(
        DIRECTION_ISSUED,
        incident,
        occurred_at=direction.decided_at,
        key=f"direction:{direction.pk}",
        direction={
            "id": direction.pk,
            "valid_until": direction.valid_until,
            "url": _url(incident.get_absolute_url()),
        },
    )


def support_request_addressed(request: SupportRequest, actors: Iterable[Actor]) -> None:
    webhook_event(
        SUPPORT_REQUEST_ADDRESSED,
        actor_ids=[actor.pk for actor in actors],
        payload={
            "occurred_at": request.created_at,
            "incident": _incident(request.incident),
            "support_request": {
                "id": request.pk,
                "title": request.title,
                "needed_by": request.needed_by,
                "url": _url(request.get_absolute_url()),
            },
        },
        key=f"support-request:{request.pk}",
    )
