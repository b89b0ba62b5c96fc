"""The kinds of message the outbox carries. Each producing app registers its own kinds in its
``AppConfig.ready()``; the outbox refuses a message of a kind nobody registered, and the
preferences page lists the kinds from here."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise


class UnknownKind(LookupError):
    """A message of a kind that no app registered."""


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    # Channels a user cannot switch off, unless the secretariat's policy for the kind says else.
    mandatory_channels: frozenset[str]
    # False: not offered on the preferences page (a message the user asked for, or one to an
    # address rather than a person's choice).
    choosable: bool


_kinds: dict[str, Kind] = {}


def register_kind(
    key: str,
    *,
    label: str | Promise,
    mandatory_channels: Iterable[str] = (),
    choosable: bool = True,
) -> Kind:
    """Make ``key`` a kind the outbox accepts. Registering the same kind again with the same
    facts does nothing; with other facts it is a mistake."""
    kind = Kind(
        key=key, label=label, mandatory_channels=frozenset(mandatory_channels), choosable=choosable
    )
    existing = _kinds.setdefault(key, kind)
    if existing != kind:
        raise ImproperlyConfigured(f"The message kind {key!r} is registered twice, differently.")
    return kind


def get_kind(key: str) -> Kind:
    try:
        return _kinds[key]
    except KeyError:
        raise UnknownKind(
            f"No app registered the message kind {key!r}: call "
            "notifications.kinds.register_kind in its AppConfig.ready()."
        ) from None


def registered_kinds() -> list[Kind]:
    """Every registered kind, in the order registered."""
    return list(_kinds.values())


def choosable_kinds() -> list[Kind]:
    """The kinds the preferences page offers."""
    return [kind for kind in _kinds.values() if kind.choosable]
