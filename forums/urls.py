from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("forum/", views.forum_list, name="forum_list"),
    path("forum/nytt/", views.forum_create, name="forum_create"),
    path("forum/<int:pk>/", views.forum_detail, name="forum_detail"),
    path("forum/<int:pk>/redigera/", views.forum_update, name="forum_update"),
    path("forum/<int:pk>/platser/ny/", views.seat_create, name="seat_create"),
    path("forum/<int:pk>/moten/nytt/", views.meeting_create, name="meeting_create"),
    path("forum/<int:pk>/beslut.csv", views.decisions_csv, name="decisions_csv"),
    path("platser/<int:pk>/redigera/", views.seat_update, name="seat_update"),
    path("platser/<int:pk>/ta-bort/", views.seat_delete, name="seat_delete"),
    path("kluster/", views.cluster_representation_list, name="cluster_representation_list"),
    path(
        "kluster/representation/<int:pk>/avsluta/",
        views.cluster_representation_end,
        name="cluster_representation_end",
    ),
    path("moten/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("moten/<int:pk>/redigera/", views.meeting_update, name="meeting_update"),
    path("moten/<int:pk>/stall-in/", views.meeting_cancel, name="meeting_cancel"),
    path("moten/<int:pk>/kalender.ics", views.meeting_ics, name="meeting_ics"),
    path("moten/<int:pk>/dagordning/ny/", views.agenda_item_create, name="agenda_item_create"),
    path("moten/<int:pk>/bilagor/ny/", views.attachment_create, name="attachment_create"),
    path("moten/<int:pk>/narvaro/", views.attendance_edit, name="attendance_edit"),
    path("moten/<int:pk>/narvaro.csv", views.attendance_csv, name="attendance_csv"),
    path("moten/<int:pk>/beslut/nytt/", views.decision_create, name="decision_create"),
    path("moten/<int:pk>/atgarder/ny/", views.action_item_create, name="action_item_create"),
    path("moten/<int:pk>/protokoll/", views.minutes_detail, name="minutes_detail"),
    path("moten/<int:pk>/protokoll/skapa/", views.minutes_generate, name="minutes_generate"),
    path("moten/<int:pk>/protokoll/redigera/", views.minutes_edit, name="minutes_edit"),
    path("moten/<int:pk>/protokoll/justera/", views.minutes_approve, name="minutes_approve"),
    path(
        "dagordningspunkter/<int:pk>/redigera/",
        views.agenda_item_update,
        name="agenda_item_update",
    ),
    path("bilagor/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("atgarder/<int:pk>/status/", views.action_item_status, name="action_item_status"),
    path("kalender/", views.calendar_settings, name="calendar_settings"),
    path("kalender/flode/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
