from django.urls import path

from .views import capabilities, exercises, goals, lessons, plan

app_name = "planning"

urlpatterns = [
    path("planering/installningar/", plan.settings_update, name="settings_update"),
    path("mal/", goals.period_list, name="period_list"),
    path("mal/<int:pk>/", goals.period_detail, name="period_detail"),
    path("mal/<int:pk>/revidera/", goals.version_revise, name="version_revise"),
    path("mal/version/<int:pk>/", goals.version_detail, name="version_detail"),
    path("mal/version/<int:pk>/redigera/", goals.version_update, name="version_update"),
    path("mal/version/<int:pk>/anta/", goals.version_adopt, name="version_adopt"),
    path("mal/version/<int:pk>/omraden/ny/", goals.area_create, name="area_create"),
    path("mal/omraden/<int:pk>/redigera/", goals.area_update, name="area_update"),
    path("verksamhetsplan/", plan.plan_list, name="plan_list"),
    path("verksamhetsplan/ny/", plan.plan_create, name="plan_create"),
    path("verksamhetsplan/<int:year>/", plan.plan_detail, name="plan_detail"),
    path("verksamhetsplan/<int:year>/anta/", plan.plan_adopt, name="plan_adopt"),
    path("verksamhetsplan/<int:year>/presenterad/", plan.plan_present, name="plan_present"),
    path("verksamhetsplan/<int:year>/arsuppfoljning.pdf", plan.plan_pdf, name="plan_pdf"),
    path(
        "verksamhetsplan/<int:year>/aktiviteter/ny/", plan.activity_create, name="activity_create"
    ),
    path("verksamhetsplan/aktiviteter/<int:pk>/", plan.activity_detail, name="activity_detail"),
    path(
        "verksamhetsplan/aktiviteter/<int:pk>/redigera/",
        plan.activity_update,
        name="activity_update",
    ),
    path(
        "verksamhetsplan/aktiviteter/<int:pk>/uppfoljning/",
        plan.activity_report,
        name="activity_report",
    ),
    path("formagor/", capabilities.capability_list, name="capability_list"),
    path("formagor/miniminivaer/<int:year>/", capabilities.minimum_levels, name="minimum_levels"),
    path("formagor/sjalvskattning/", capabilities.assessment_index, name="assessment_index"),
    path(
        "formagor/sjalvskattning/<int:actor_pk>/<int:year>/",
        capabilities.assessment,
        name="assessment",
    ),
    path("formagor/matris/<int:year>/", capabilities.matrix, name="matrix"),
    path("ovningar/", exercises.exercise_list, name="exercise_list"),
    path("ovningar/ny/", exercises.exercise_create, name="exercise_create"),
    path("ovningar/<int:pk>/", exercises.exercise_detail, name="exercise_detail"),
    path("ovningar/<int:pk>/redigera/", exercises.exercise_update, name="exercise_update"),
    path("ovningar/<int:pk>/handelse/", exercises.exercise_link, name="exercise_link"),
    path("ovningar/<int:pk>/aktivera/", exercises.exercise_activate, name="exercise_activate"),
    path("ovningar/<int:pk>/utvardering/", exercises.exercise_evaluate, name="exercise_evaluate"),
    path("ovningar/<int:pk>/lardomar/ny/", lessons.lesson_create, name="lesson_create"),
    path("lardomar/", lessons.register, name="register"),
    path("lardomar/<int:pk>/atgarder/ny/", lessons.action_create, name="action_create"),
    path("lardomar/atgarder/<int:pk>/klar/", lessons.action_close, name="action_close"),
    path(
        "lardomar/uppfoljning/<int:pk>/koppla/",
        lessons.follow_up_action_link,
        name="follow_up_action_link",
    ),
    path(
        "lardomar/uppfoljning/<int:pk>/klar/",
        lessons.follow_up_action_close,
        name="follow_up_action_close",
    ),
]
