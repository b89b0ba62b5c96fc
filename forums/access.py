"""Object-level access to forums and what hangs off them (guardian's ``view_forum``)."""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from core.access import is_secretariat

from .models import Attachment, Forum, ForumUserObjectPermission, Meeting, Minutes, SharingLevel

VIEW_FORUM = "forums.view_forum"


def can_view_forum(user: Any, forum: Forum) -> bool:
    """The secretariat, and whoever holds ``view_forum`` on the forum: granted per user by
    ``forum_access_sync``, so read from guardian's direct table in one query (guardian's
    ``has_perm`` asked two, the user's and their groups')."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_secretariat(user):
        return True
    return ForumUserObjectPermission.objects.filter(
        user=user, content_object=forum, permission__codename="view_forum"
    ).exists()


def can_read_minutes(user: Any, minutes: Minutes) -> bool:
    """Seat holders read their forum's minutes; others only approved ones shared wider."""
    if can_view_forum(user, minutes.meeting.forum):
        return True
    return (
        getattr(user, "is_authenticated", False)
        and minutes.is_approved
        and minutes.sharing_level in (SharingLevel.NETWORK, SharingLevel.PUBLIC)
    )


def can_download(user: Any, attachment: Attachment) -> bool:
    if can_view_forum(user, attachment.meeting.forum):
        return True
    return getattr(user, "is_authenticated", False) and attachment.sharing_level in (
        SharingLevel.NETWORK,
        SharingLevel.PUBLIC,
    )


def forum_for(user: Any, forum: Forum) -> Forum:
    """The forum if the user may see it; 404 otherwise, so ids reveal nothing."""
    if not can_view_forum(user, forum):
        raise Http404
    return forum


def meeting_for(user: Any, meeting: Meeting) -> Meeting:
    forum_for(user, meeting.forum)
    return meeting


def get_meeting_for(user: Any, pk: int) -> Meeting:
    """The meeting, with its forum, if the user may see the forum; 404 otherwise."""
    meeting = get_object_or_404(Meeting.objects.select_related("forum"), pk=pk)
    return meeting_for(user, meeting)
