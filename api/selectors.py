"""Reads of the API, always for one actor: what the token's actor could see in the portal, built
on the selectors of actors, forums and incidents."""

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from actors.models import Actor, ActorFunction
from core.access import is_secretariat
from forums.models import Meeting, Seat
from forums.selectors import representatives_on
from incidents.models import (
    Direction,
    DirectionAcknowledgement,
    Incident,
    SituationPicture,
    SupportRequest,
)
from incidents.picture import selectors as picture_selectors
from incidents.support.selectors import OPEN_STATES
from planning.access import contact_actor_ids, is_contact, may_edit_for

from .models import ApiToken

# --- Who manages tokens -----------------------------------------------------------------------


def may_manage_tokens_of(user: Any, actor: Actor) -> bool:
    """The secretariat for any actor; an actor's designated contact ("Kontaktperson för
    samverkan", the planning settings' contact function) for that actor."""
    return may_edit_for(user, actor.pk)


def may_manage_tokens(user: Any) -> bool:
    return is_secretariat(user) or is_contact(user)


def manageable_actors(user: Any) -> QuerySet[Actor]:
    if is_secretariat(user):
        return Actor.objects.order_by("name")
    return Actor.objects.filter(pk__in=contact_actor_ids(user)).order_by("name")


def tokens_for(user: Any) -> QuerySet[ApiToken]:
    """The tokens a user may see and revoke, newest first per actor (one query)."""
    tokens = ApiToken.objects.select_related("actor", "created_by", "revoked_by")
    if not is_secretariat(user):
        tokens = tokens.filter(actor_id__in=contact_actor_ids(user))
    return tokens.order_by("actor__name", "-created_at")


# --- What an actor sees -------------------------------------------------------------------------


def seated_forum_ids(actor: Actor) -> set[int]:
    """The forums where ``actor`` fills a seat today (directly, or as its cluster's representing
    municipality). Two queries."""
    seats = list(Seat.objects.filter(Q(actor=actor) | Q(cluster__isnull=False)))
    cluster_ids = {s.cluster_id for s in seats if s.cluster_id}
    representatives = representatives_on(cluster_ids=cluster_ids) if cluster_ids else {}
    return {
        s.forum_id
        for s in seats
        if s.actor_id == actor.pk
        or (s.cluster_id and getattr(representatives.get(s.cluster_id), "pk", None) == actor.pk)
    }


def involved_incidents(actor: Actor) -> list[Incident]:
    """The activated incidents ``actor`` is involved in: it fills a seat in an activated forum or
    is an affected municipality (``incidents.selectors.expected_actors``: whose people see the
    incident, report and receive its pictures)."""
    forum_ids = seated_forum_ids(actor)
    return list(
        Incident.objects.filter(status=Incident.Status.ACTIVATED)
        .filter(Q(activated_forums__in=forum_ids) | Q(affected_municipalities=actor))
        .select_related("event_type")
        .distinct()
        .order_by("-activated_at", "-pk")
    )


def involved_incident(actor: Actor, pk: int) -> Incident | None:
    for incident in involved_incidents(actor):
        if incident.pk == pk:
            return incident
    return None


def latest_picture_for(incident: Incident) -> SituationPicture | None:
    """The newest picture an involved actor sees: the full version (for the activated forums and
    the affected municipalities), else the short one if only that was published."""
    pictures = picture_selectors.latest_pictures(incident)
    return pictures.get(SituationPicture.Audience.FULL) or pictures.get(
        SituationPicture.Audience.SHORT
    )


def directions_of(incident: Incident, actor: Actor) -> list[Direction]:
    """The incident's directions, each with ``acknowledged`` for ``actor``."""
    mine = DirectionAcknowledgement.objects.filter(direction=OuterRef("pk"), actor=actor)
    return list(
        incident.directions.annotate(acknowledged=Exists(mine)).order_by("-decided_at", "-pk")
    )


def direction_for(actor: Actor, pk: int) -> Direction | None:
    """A direction of an activated incident ``actor`` is involved in, else None."""
    direction = Direction.objects.select_related("incident").filter(pk=pk).first()
    if direction is None or involved_incident(actor, direction.incident_id) is None:
        return None
    return direction


def open_requests_for(actor: Actor) -> QuerySet[SupportRequest]:
    """Open requests for support that ask ``actor``: addressed to it, or to anyone in an incident
    it is involved in; never its own; only while the incident is activated."""
    involved = [i.pk for i in involved_incidents(actor)]
    return (
        SupportRequest.objects.filter(
            status__in=OPEN_STATES, incident__status=Incident.Status.ACTIVATED
        )
        .filter(Q(addressed_actors=actor) | Q(to_anyone=True, incident_id__in=involved))
        .exclude(raised_by_actor=actor)
        .select_related("incident", "raised_by_actor")
        .distinct()
        .order_by("needed_by", "pk")
    )


def registry() -> QuerySet[Actor]:
    """The actor registry's public parts: the actors and their functions' shared contact paths
    (no people)."""
    return (
        Actor.objects.order_by("name", "pk")
        .only("pk", "name", "short_name", "kind", "org_number", "municipality_code")
        .prefetch_related(
            Prefetch(
                "actor_functions",
                queryset=ActorFunction.objects.select_related("function").order_by(
                    "function__name", "pk"
                ),
            )
        )
    )


def meetings_of(actor: Actor, *, upcoming_only: bool = False) -> QuerySet[Meeting]:
    """The meetings of the forums where ``actor`` fills a seat."""
    meetings = Meeting.objects.filter(forum_id__in=seated_forum_ids(actor)).select_related("forum")
    if upcoming_only:
        meetings = meetings.filter(ends_at__gte=timezone.now())
    return meetings.order_by("starts_at", "pk")
