from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import LockedRecordAdminMixin, SecretariatAdmin

from .models import (
    Activity,
    Capability,
    Exercise,
    GoalArea,
    GoalPeriod,
    GoalPeriodVersion,
    LessonAction,
    MinimumLevel,
    OperationalPlan,
    PlanningSettings,
    SelfAssessment,
    SubCapability,
)


@admin.register(PlanningSettings)
class PlanningSettingsAdmin(SecretariatAdmin):
    list_display = ["__str__", "adopting_forum", "presenting_forum", "contact_function"]


@admin.register(GoalPeriod)
class GoalPeriodAdmin(SecretariatAdmin):
    list_display = ["name", "start_year", "end_year"]


ADOPTED_VERSION_LOCKED = _(
    "An adopted version is kept as it was adopted; start a revision to change it."
)
ADOPTED_PLAN_LOCKED = _("The plan is adopted: activities are followed up with reports, not edited.")


def _version_adopted(version_id: int | None) -> bool:
    return GoalPeriodVersion.objects.filter(
        pk=version_id, status=GoalPeriodVersion.Status.ADOPTED
    ).exists()


def _plan_adopted(plan_id: int | None) -> bool:
    return OperationalPlan.objects.filter(
        pk=plan_id, status=OperationalPlan.Status.ADOPTED
    ).exists()


@admin.register(GoalPeriodVersion)
class GoalPeriodVersionAdmin(LockedRecordAdminMixin, SecretariatAdmin):
    list_display = ["period", "number", "status", "adopted_on"]
    list_filter = ["status"]
    locked_message = ADOPTED_VERSION_LOCKED

    def is_locked(self, obj) -> bool:
        # The stored status decides: a draft becomes adopted through the portal, not here.
        return obj.status == GoalPeriodVersion.Status.ADOPTED or _version_adopted(obj.pk)


@admin.register(GoalArea)
class GoalAreaAdmin(LockedRecordAdminMixin, SecretariatAdmin):
    list_display = ["name", "code", "version"]
    list_select_related = ["version__period"]
    locked_message = ADOPTED_VERSION_LOCKED

    def is_locked(self, obj) -> bool:
        return _version_adopted(obj.version_id)


@admin.register(OperationalPlan)
class OperationalPlanAdmin(LockedRecordAdminMixin, SecretariatAdmin):
    list_display = ["year", "status", "adoption_decision"]
    locked_message = ADOPTED_PLAN_LOCKED

    def is_locked(self, obj) -> bool:
        return obj.status == OperationalPlan.Status.ADOPTED or _plan_adopted(obj.pk)


@admin.register(Activity)
class ActivityAdmin(LockedRecordAdminMixin, SecretariatAdmin):
    list_display = ["title", "plan", "goal_area", "owner", "status", "starts_on", "ends_on"]
    list_filter = ["plan", "status"]
    list_select_related = ["plan", "goal_area", "owner"]
    locked_message = ADOPTED_PLAN_LOCKED

    def is_locked(self, obj) -> bool:
        return _plan_adopted(obj.plan_id)


@admin.register(Capability)
class CapabilityAdmin(SecretariatAdmin):
    list_display = ["name", "mode", "position"]


@admin.register(SubCapability)
class SubCapabilityAdmin(SecretariatAdmin):
    list_display = ["name", "capability", "position", "source"]
    list_select_related = ["capability"]


@admin.register(MinimumLevel)
class MinimumLevelAdmin(SecretariatAdmin):
    list_display = ["sub_capability", "year", "level"]
    list_filter = ["year"]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(SecretariatAdmin):
    list_display = ["actor", "sub_capability", "year", "level"]
    list_filter = ["year"]
    list_select_related = ["actor", "sub_capability"]


@admin.register(Exercise)
class ExerciseAdmin(SecretariatAdmin):
    list_display = ["title", "kind", "starts_on", "ends_on"]


@admin.register(LessonAction)
class LessonActionAdmin(SecretariatAdmin):
    list_display = ["title", "owner", "due_on", "status"]
    list_filter = ["status"]
