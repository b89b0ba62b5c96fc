"""The forum page's seats and their holders, kept in the cache while nothing they rest on is
written.

Resolving a forum's seats to the people who hold them today costs three queries and most of the
forum page's time, and changes rarely. The resolved seats are kept per forum, mode and day,
stamped with one token (``core.auth_cache``) that is deleted whenever a row they are read from is
written: a forum, a seat, an actor, a function or an actor's function, a cluster or its
representation, a person or an assignment. The day in the key makes an assignment that starts or
ends at midnight count from that day on. With Redis down every read is a miss and the database
answers, as before.
"""

import datetime
from typing import Any

from django.utils import timezone

from actors.models import Actor, ActorFunction, Assignment, Function, MunicipalCluster, Person
from core import auth_cache

from .models import ClusterRepresentation, Forum, Seat
from .selectors import ResolvedSeat, forum_composition

TOKEN_KEY = "forums:composition:token"


def _key(forum: Forum, day: datetime.date) -> str:
    return f"forums:composition:{forum.pk}:{forum.mode}:{day.isoformat()}"


def cached_forum_composition(*, forum: Forum) -> list[ResolvedSeat]:
    """``selectors.forum_composition`` for today, from the cache when it is current."""
    day = timezone.localdate()
    return auth_cache.read_through(
        _key(forum, day), TOKEN_KEY, lambda: forum_composition(forum=forum, on=day)
    )


def composition_changed(*args: Any, **kwargs: Any) -> None:
    """Every forum's cached composition is read again."""
    auth_cache.invalidate([TOKEN_KEY])


MODELS = (
    Forum,
    Seat,
    MunicipalCluster,
    ClusterRepresentation,
    Actor,
    Function,
    ActorFunction,
    Person,
    Assignment,
)


def connect() -> None:
    auth_cache.on_write(composition_changed, MODELS, uid="forum-composition")
