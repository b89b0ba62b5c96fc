from django.contrib import admin

from core.admin import SecretariatAdmin

from .models import KindPolicy, Notification


@admin.register(Notification)
class NotificationAdmin(SecretariatAdmin):
    list_display = ["created_at", "recipient", "channel", "kind", "status", "attempts"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["subject", "address", "recipient__last_name"]
    list_select_related = ["recipient"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, *args):
        return False


@admin.register(KindPolicy)
class KindPolicyAdmin(SecretariatAdmin):
    list_display = ["label", "kind", "mandatory_channels"]
