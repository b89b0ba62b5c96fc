from django.urls import path

from . import views

urlpatterns = [
    path("handelser/<int:pk>/konferenser/ny/", views.conference_create, name="conference_create"),
    path("konferenser/<int:pk>/", views.conference_detail, name="conference_detail"),
    path("konferenser/<int:pk>/andra/", views.conference_update, name="conference_update"),
    path("konferenser/<int:pk>/stall-in/", views.conference_cancel, name="conference_cancel"),
    path("konferenser/<int:pk>/stang/", views.conference_close, name="conference_close"),
    path(
        "konferenser/<int:pk>/narvaro/", views.conference_attendance, name="conference_attendance"
    ),
    path("konferenser/<int:pk>/statusrunda/", views.conference_round, name="conference_round"),
    path("konferenser/<int:pk>/beslut/", views.conference_decision, name="conference_decision"),
    path("konferenser/<int:pk>/atgarder/", views.conference_action, name="conference_action"),
    path(
        "konferensatgarder/<int:pk>/klar/",
        views.conference_action_done,
        name="conference_action_done",
    ),
    path(
        "konferenser/<int:pk>/protokoll.pdf",
        views.conference_protocol_pdf,
        name="conference_protocol_pdf",
    ),
]
