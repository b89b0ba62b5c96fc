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
