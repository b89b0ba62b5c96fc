from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.admin import LockedRecordAdminMixin, SecretariatAdmin, SecretariatPermissions

from . import selectors
from .models import (
    ActionItem,
    AgendaItem,
    Attachment,
    Attendance,
    ClusterRepresentation,
    CollaborationLevel,
    Decision,
    Forum,
    Meeting,
    Minutes,
    MinutesRecipient,
    Seat,
)
from .services import forum_access_sync

MEETING_LOCKED = _("The minutes of this meeting are approved and locked; nothing in it can change.")


@admin.register(CollaborationLevel)
class CollaborationLevelAdmin(SecretariatAdmin):
    list_display = ["name", "position"]
    search_fields = ["name"]


class SeatInline(SecretariatPermissions, admin.TabularInline):
    model = Seat
    extra = 0
    autocomplete_fields = ["actor", "function"]


@admin.register(Forum)
class ForumAdmin(SecretariatAdmin):
    list_display = ["name", "level", "kind", "activated_name", "mode", "is_active"]
    list_filter = ["level", "kind", "mode", "is_active"]
    search_fields = ["name", "activated_name", "purpose"]
    list_select_related = ["level"]
    inlines = [SeatInline]
    # The mode changes through activation; access follows seats, so it is re-synced on save.
    readonly_fields = ["mode"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        forum_access_sync(forum_ids={form.instance.pk})


@admin.register(Seat)
class SeatAdmin(SecretariatAdmin):
    list_display = ["forum", "actor", "cluster", "function", "count", "applies_in"]
    list_filter = ["forum", "function", "cluster"]
    search_fields = ["forum__name", "actor__name", "function__name"]
    list_select_related = ["forum", "actor", "cluster", "function"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forum_access_sync(forum_ids={obj.forum_id})

    def delete_model(self, request, obj):
        forum_id = obj.forum_id
        super().delete_model(request, obj)
        forum_access_sync(forum_ids={forum_id})


@admin.register(ClusterRepresentation)
class ClusterRepresentationAdmin(SecretariatAdmin):
    list_display = ["cluster", "municipality", "starts_on", "ends_on"]
    list_filter = ["cluster"]
    search_fields = ["municipality__name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forum_access_sync(forum_ids=set(obj.cluster.seats.values_list("forum_id", flat=True)))


class AgendaItemInline(SecretariatPermissions, admin.TabularInline):
    model = AgendaItem
    extra = 0


class MeetingLockedAdmin(LockedRecordAdminMixin, SecretariatAdmin):
    """Approved minutes lock the meeting and what is recorded in them."""

    locked_message = MEETING_LOCKED

    def is_locked(self, obj) -> bool:
        return selectors.meeting_is_locked(obj.pk if isinstance(obj, Meeting) else obj.meeting_id)


@admin.register(Meeting)
class MeetingAdmin(MeetingLockedAdmin):
    list_display = ["display_title", "forum", "starts_at", "mode", "status"]
    list_filter = ["forum", "mode", "status"]
    search_fields = ["title", "forum__name", "location"]
    date_hierarchy = "starts_at"
    list_select_related = ["forum"]
    inlines = [AgendaItemInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Sent from the meeting page (forums.services.meeting_invitation_send), never set by hand.
    readonly_fields = ["invitation_sent_at", "invitation_sent_by"]


@admin.register(Attachment)
class AttachmentAdmin(MeetingLockedAdmin):
    list_display = ["filename", "meeting", "sharing_level", "size", "uploaded_at"]
    list_filter = ["sharing_level"]
    search_fields = ["filename"]


@admin.register(Attendance)
class AttendanceAdmin(MeetingLockedAdmin):
    list_display = ["meeting", "seat", "status", "attendee"]
    list_filter = ["status"]


@admin.register(Decision)
class DecisionAdmin(MeetingLockedAdmin):
    list_display = ["reference", "forum", "meeting", "text"]
    list_filter = ["forum", "year"]
    search_fields = ["text"]
    readonly_fields = ["forum", "year", "number", "meeting"]


@admin.register(ActionItem)
class ActionItemAdmin(MeetingLockedAdmin):
    list_display = ["title", "forum", "owner", "due_on", "status"]
    list_filter = ["status", "forum"]
    search_fields = ["title", "owner__name"]
    # Action items are followed up after the meeting (forums.services.action_item_set_status).
    locked_mutable_fields = ["status"]


@admin.register(Minutes)
class MinutesAdmin(LockedRecordAdminMixin, SecretariatAdmin):
    list_display = ["meeting", "status", "approved_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "approved_at", "approved_by", "pdf"]
    locked_message = MEETING_LOCKED

    def is_locked(self, obj) -> bool:
        return obj.is_approved or selectors.meeting_is_locked(obj.meeting_id)


@admin.register(MinutesRecipient)
class MinutesRecipientAdmin(LockedRecordAdminMixin, SecretariatAdmin):
    """Who got the approved minutes back home: recorded once, at approval."""

    list_display = ["minutes", "person", "actor", "address"]
    search_fields = ["person__last_name", "actor__name"]
    append_only = True
