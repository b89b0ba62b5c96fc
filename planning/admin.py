from django.contrib import admin

from actors.admin import SecretariatAdmin

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


@admin.register(GoalPeriodVersion)
class GoalPeriodVersionAdmin(SecretariatAdmin):
    list_display = ["period", "number", "status", "adopted_on"]
    list_filter = ["status"]


@admin.register(GoalArea)
class GoalAreaAdmin(SecretariatAdmin):
    list_display = ["name", "code", "version"]
    list_select_related = ["version__period"]


@admin.register(OperationalPlan)
class OperationalPlanAdmin(SecretariatAdmin):
    list_display = ["year", "status", "adoption_decision"]


@admin.register(Activity)
class ActivityAdmin(SecretariatAdmin):
    list_display = ["title", "plan", "goal_area", "owner", "status", "starts_on", "ends_on"]
    list_filter = ["plan", "status"]
    list_select_related = ["plan", "goal_area", "owner"]


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
