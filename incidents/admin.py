from django.contrib import admin

from core.admin import LockedRecordAdminMixin, SecretariatAdmin

from .models import (
    Direction,
    EventType,
    Incident,
    JointMessage,
    PreparedDirection,
    Shift,
    ShiftChange,
    Signal,
)


@admin.register(Shift)
class ShiftAdmin(SecretariatAdmin):
    list_display = ["role", "person", "lending_actor", "starts_at", "ends_at"]
    list_filter = ["role", "lending_actor"]
    date_hierarchy = "starts_at"
    list_select_related = ["person", "lending_actor"]


@admin.register(ShiftChange)
class ShiftChangeAdmin(SecretariatAdmin):
    list_display = ["shift", "new_person", "status", "requested_at"]
    list_filter = ["status"]


@admin.register(EventType)
class EventTypeAdmin(SecretariatAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(PreparedDirection)
class PreparedDirectionAdmin(SecretariatAdmin):
    list_display = ["title", "event_type", "owner", "review_due"]
    list_filter = ["event_type"]
    search_fields = ["title", "action_plan"]


@admin.register(Signal)
class SignalAdmin(SecretariatAdmin):
    list_display = ["actor", "created_at", "status", "is_exercise"]
    list_filter = ["status", "is_exercise"]
    readonly_fields = ["incident"]


class ReadOnlyAdmin(LockedRecordAdminMixin, SecretariatAdmin):
    """Incidents change only through the portal's services, which log every transition."""

    append_only = True


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "is_exercise", "activated_at", "deactivated_at"]
    list_filter = ["status", "is_exercise", "event_type"]
    search_fields = ["title"]
    date_hierarchy = "activated_at"


@admin.register(Direction)
class DirectionAdmin(ReadOnlyAdmin):
    list_display = ["incident", "decided_at", "valid_until"]


@admin.register(JointMessage)
class JointMessageAdmin(ReadOnlyAdmin):
    list_display = ["incident", "target_group", "status", "created_at"]
    list_filter = ["status"]


# --- Conferences and the live checklist: they change only through their services, which log
# every step on the incident's timeline.
from .models import (  # noqa: E402
    ChecklistItem,
    Conference,
    ConferenceAction,
    ConferenceAttendance,
    ConferenceDecision,
    ConferenceProtocol,
    StatusRoundEntry,
)


@admin.register(Conference)
class ConferenceAdmin(ReadOnlyAdmin):
    list_display = ["incident", "starts_at", "state"]
    list_filter = ["state"]
    date_hierarchy = "starts_at"
    list_select_related = ["incident"]


@admin.register(ConferenceAttendance)
class ConferenceAttendanceAdmin(ReadOnlyAdmin):
    list_display = ["conference", "actor", "present"]
    list_select_related = ["conference", "actor"]


@admin.register(StatusRoundEntry)
class StatusRoundEntryAdmin(ReadOnlyAdmin):
    list_display = ["conference", "actor", "impact"]
    list_select_related = ["conference", "actor"]


@admin.register(ConferenceDecision)
class ConferenceDecisionAdmin(ReadOnlyAdmin):
    list_display = ["conference", "number", "text"]
    list_select_related = ["conference"]


@admin.register(ConferenceAction)
class ConferenceActionAdmin(ReadOnlyAdmin):
    list_display = ["text", "owner", "due_at", "done_at"]
    list_select_related = ["owner"]


@admin.register(ConferenceProtocol)
class ConferenceProtocolAdmin(ReadOnlyAdmin):
    list_display = ["conference", "created_at"]
    list_select_related = ["conference"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ReadOnlyAdmin):
    list_display = ["incident", "position", "text", "owner", "state", "done_at"]
    list_filter = ["state"]
    list_select_related = ["incident", "owner"]


# --- Requests for support: they change only through their services (incidents.support), which
# log every step; the steps are append-only and shown read-only with their request.
from .models import SupportRequest, SupportRequestEvent  # noqa: E402


class SupportRequestEventInline(admin.TabularInline):
    model = SupportRequestEvent
    fields = ["at", "action", "actor", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SupportRequest)
class SupportRequestAdmin(ReadOnlyAdmin):
    list_display = ["title", "incident", "raised_by_actor", "status", "priority", "needed_by"]
    list_filter = ["status", "priority", "kind"]
    search_fields = ["title", "description"]
    list_select_related = ["incident", "raised_by_actor"]
    inlines = [SupportRequestEventInline]
