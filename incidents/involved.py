"""An incident's involved actors (``selectors.expected_actors``), kept in the cache while nothing
they rest on is written.

The incident page, every acknowledgement and every report by the form ask who the involved
actors are: each seat of every activated forum resolved to its actor (a cluster seat to the
municipality representing the cluster that day), and the affected municipalities. That is three
queries and some hundreds of model instances on each of those requests during an activation,
for an answer that changes only when the forums or their seats change.

The list is kept per incident and day, stamped with two tokens (``core.auth_cache``): the forums'
composition token (``forums.composition``: deleted by every write to a forum, seat, actor,
function, cluster, representation, person or assignment) and the incident's own, deleted when the
incident row or its activated forums or affected municipalities change. The day in the key makes
a representation that starts or ends at midnight count from that day on. With Redis down every
read is a miss and the database answers.
"""

import datetime
from typing import Any

from django.db.models.signals import m2m_changed
from django.utils import timezone

from actors.models import Actor
from core import auth_cache
from forums import composition

from . import selectors
from .models import Incident


def _token_key(incident_id: Any) -> str:
    return f"incidents:involved:token:{incident_id}"


def _key(incident: Incident, day: datetime.date) -> str:
    # activated_at makes the key unique to this incident row, whatever pks a restored or
    # re-created database hands out again.
    activated = incident.activated_at.timestamp() if incident.activated_at else ""
    return f"incidents:involved:{incident.pk}:{activated}:{day.isoformat()}"


def cached_expected_actors(incident: Incident) -> list[Actor]:
    """``selectors.expected_actors`` from the cache when it is current (one round trip)."""
    day = timezone.localdate()
    return auth_cache.read_through(
        _key(incident, day),
        _token_key(incident.pk),
        lambda: selectors.expected_actors(incident),
        more_token_keys=[composition.TOKEN_KEY],
    )


def _incident_written(sender: Any, instance: Incident, **kwargs: Any) -> None:
    auth_cache.invalidate([_token_key(instance.pk)])


def _relation_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set | None, **kwargs: Any
) -> None:
    """An incident's forums or municipalities changed, from either side of the relation."""
    if not action.startswith("post_"):
        return
    if not reverse:
        auth_cache.invalidate([_token_key(instance.pk)])
    elif pk_set is not None:
        auth_cache.invalidate(_token_key(pk) for pk in pk_set)
    else:  # a forum's or municipality's incidents cleared: which ones is not said
        auth_cache.invalidate([composition.TOKEN_KEY])


def connect() -> None:
    auth_cache.on_write(_incident_written, [Incident], uid="incidents-involved")
    for relation in ("activated_forums", "affected_municipalities"):
        m2m_changed.connect(
            _relation_changed,
            sender=getattr(Incident, relation).through,
            dispatch_uid=f"incidents-involved-{relation}",
        )
