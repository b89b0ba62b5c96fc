from django.urls import path

from . import identity_views, views

app_name = "actors"

urlpatterns = [
    path("aktorer/", views.actor_list, name="actor_list"),
    path("aktorer/ny/", views.actor_create, name="actor_create"),
    path("aktorer/<int:pk>/", views.actor_detail, name="actor_detail"),
    path("aktorer/<int:pk>/redigera/", views.actor_update, name="actor_update"),
    path("aktorer/<int:pk>/funktioner/ny/", views.actor_function_add, name="actor_function_add"),
    path(
        "aktorsfunktioner/<int:pk>/redigera/",
        views.actor_function_update,
        name="actor_function_update",
    ),
    path(
        "aktorsfunktioner/<int:pk>/ta-bort/",
        views.actor_function_remove,
        name="actor_function_remove",
    ),
    path("folkmangd/importera/", views.population_import, name="population_import"),
    path("funktioner/", views.function_list, name="function_list"),
    path("funktioner/ny/", views.function_create, name="function_create"),
    path("funktioner/<int:pk>/redigera/", views.function_update, name="function_update"),
    path("personer/", views.person_list, name="person_list"),
    path("personer/ny/", views.person_create, name="person_create"),
    path("personer/<int:pk>/", views.person_detail, name="person_detail"),
    path("personer/<int:pk>/redigera/", views.person_update, name="person_update"),
    path("personer/<int:pk>/personuppgifter/", views.person_export, name="person_export"),
    path("personer/<int:pk>/anonymisera/", views.person_anonymise, name="person_anonymise"),
    path("granskning/", views.audit_search, name="audit_search"),
    path("historik/<str:label>/<int:pk>/", views.object_history, name="object_history"),
    path(
        "identitetsleverantorer/",
        identity_views.identity_provider_list,
        name="identity_provider_list",
    ),
    path(
        "identitetsleverantorer/ny/",
        identity_views.identity_provider_create,
        name="identity_provider_create",
    ),
    path(
        "identitetsleverantorer/<int:pk>/redigera/",
        identity_views.identity_provider_update,
        name="identity_provider_update",
    ),
    path(
        "identitetsleverantorer/<int:pk>/inaktivera/",
        identity_views.identity_provider_deactivate,
        name="identity_provider_deactivate",
    ),
    path(
        "identitetsleverantorer/<int:pk>/aktivera/",
        identity_views.identity_provider_activate,
        name="identity_provider_activate",
    ),
    path(
        "inloggningsansokningar/",
        identity_views.signup_request_list,
        name="signup_request_list",
    ),
    path(
        "inloggningsansokningar/<int:pk>/godkann/",
        identity_views.signup_request_approve,
        name="signup_request_approve",
    ),
    path(
        "inloggningsansokningar/<int:pk>/avsla/",
        identity_views.signup_request_reject,
        name="signup_request_reject",
    ),
    path("uppdrag/ny/", views.assignment_create, name="assignment_create"),
    path("uppdrag/<int:pk>/redigera/", views.assignment_update, name="assignment_update"),
    path("uppdrag/<int:pk>/avsluta/", views.assignment_end, name="assignment_end"),
]
