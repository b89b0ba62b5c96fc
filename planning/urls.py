from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("planering/installningar/", views.settings_update, name="settings_update"),
    path("mal/", views.period_list, name="period_list"),
    path("mal/<int:pk>/", views.period_detail, name="period_detail"),
    path("mal/<int:pk>/revidera/", views.version_revise, name="version_revise"),
    path("mal/version/<int:pk>/", views.version_detail, name="version_detail"),
    path("mal/version/<int:pk>/redigera/", views.version_update, name="version_update"),
    path("mal/version/<int:pk>/anta/", views.version_adopt, name="version_adopt"),
    path("mal/version/<int:pk>/omraden/ny/", views.area_create, name="area_create"),
    path("mal/omraden/<int:pk>/redigera/", views.area_update, name="area_update"),
    path("verksamhetsplan/", views.plan_list, name="plan_list"),
    path("verksamhetsplan/ny/", views.plan_create, name="plan_create"),
    path("verksamhetsplan/<int:year>/", views.plan_detail, name="plan_detail"),
    path("verksamhetsplan/<int:year>/anta/", views.plan_adopt, name="plan_adopt"),
    path("verksamhetsplan/<int:year>/presenterad/", views.plan_present, name="plan_present"),
    path("verksamhetsplan/<int:year>/arsuppfoljning.pdf", views.plan_pdf, name="plan_pdf"),
    path(
        "verksamhetsplan/<int:year>/aktiviteter/ny/", views.activity_create, name="activity_create"
    ),
    path("verksamhetsplan/aktiviteter/<int:pk>/", views.activity_detail, name="activity_detail"),
    path(
        "verksamhetsplan/aktiviteter/<int:pk>/redigera/",
        views.activity_update,
        name="activity_update",
    ),
    path(
        "verksamhetsplan/aktiviteter/<int:pk>/uppfoljning/",
        views.activity_report,
        name="activity_report",
    ),
    path("formagor/", views.capability_list, name="capability_list"),
    path("formagor/miniminivaer/<int:year>/", views.minimum_levels, name="minimum_levels"),
    path("formagor/sjalvskattning/", views.assessment_index, name="assessment_index"),
    path("formagor/sjalvskattning/<int:actor_pk>/<int:year>/", views.assessment, name="assessment"),
    path("formagor/matris/<int:year>/", views.matrix, name="matrix"),
    path("ovningar/", views.exercise_list, name="exercise_list"),
    path("ovningar/ny/", views.exercise_create, name="exercise_create"),
    path("ovningar/<int:pk>/", views.exercise_detail, name="exercise_detail"),
    path("ovningar/<int:pk>/redigera/", views.exercise_update, name="exercise_update"),
    path("ovningar/<int:pk>/handelse/", views.exercise_link, name="exercise_link"),
    path("ovningar/<int:pk>/aktivera/", views.exercise_activate, name="exercise_activate"),
    path("ovningar/<int:pk>/utvardering/", views.exercise_evaluate, name="exercise_evaluate"),
    path("ovningar/<int:pk>/lardomar/ny/", views.lesson_create, name="lesson_create"),
    path("lardomar/", views.register, name="register"),
    path("lardomar/<int:pk>/atgarder/ny/", views.action_create, name="action_create"),
    path("lardomar/atgarder/<int:pk>/klar/", views.action_close, name="action_close"),
    path(
        "lardomar/uppfoljning/<int:pk>/koppla/",
        views.follow_up_action_link,
        name="follow_up_action_link",
    ),
    path(
        "lardomar/uppfoljning/<int:pk>/klar/",
        views.follow_up_action_close,
        name="follow_up_action_close",
    ),
]
