"""Forums, their seats, and their meetings with agenda, attendance, decisions and minutes.

A forum's composition is never a list of people: it is a list of *seats* (actor or municipal
cluster × function × count), and the people are whoever holds those functions today. Access to a
forum (guardian's ``view_forum``) is a materialised copy of that derivation, kept in step by the
services that change seats, cluster representation and assignments.

One module per part: levels and forums (``forums``), seats and cluster representation
(``seats``), meetings and what is recorded at them (``meetings``), minutes (``minutes``) and
calendar feeds (``feeds``). Everything is importable from here.
"""

from .feeds import CalendarFeed
from .forums import CollaborationLevel, Forum, ForumUserObjectPermission, Mode, SharingLevel
from .meetings import (
    ActionItem,
    AgendaItem,
    Attachment,
    Attendance,
    Decision,
    DecisionCounter,
    Meeting,
    attachment_path,  # migration 0001 names it forums.models.attachment_path
)
from .minutes import Minutes, MinutesRecipient
from .seats import ClusterRepresentation, Seat

__all__ = [
    "ActionItem",
    "AgendaItem",
    "Attachment",
    "Attendance",
    "CalendarFeed",
    "ClusterRepresentation",
    "CollaborationLevel",
    "Decision",
    "DecisionCounter",
    "Forum",
    "ForumUserObjectPermission",
    "Meeting",
    "Minutes",
    "MinutesRecipient",
    "Mode",
    "Seat",
    "SharingLevel",
    "attachment_path",
]
