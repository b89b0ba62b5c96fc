from django.contrib import admin

from core.admin import SecretariatAdmin

from .models import Agreement, FeeSchedule, ScheduledFee


@admin.register(Agreement)
class AgreementAdmin(SecretariatAdmin):
    list_display = ["actor", "signed_on", "termination_notified_on", "signatory_name"]
    search_fields = ["actor__name", "signatory_name"]
    list_select_related = ["actor"]
    autocomplete_fields = ["actor"]


class ScheduledFeeInline(admin.TabularInline):
    model = ScheduledFee
    extra = 0
    autocomplete_fields = ["actor"]


@admin.register(FeeSchedule)
class FeeScheduleAdmin(SecretariatAdmin):
    list_display = ["year", "model", "approved_on", "decision_reference"]
    filter_horizontal = ["double_fee_actors"]
    inlines = [ScheduledFeeInline]
