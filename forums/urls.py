from django.urls import path

from .views import calendar, forums, meetings, minutes, search, seats

app_name = "forums"

urlpatterns = [
    path("forum/", forums.forum_list, name="forum_list"),
    path("forum/nytt/", forums.forum_create, name="forum_create"),
    path("forum/<int:pk>/", forums.forum_detail, name="forum_detail"),
    path("forum/<int:pk>/redigera/", forums.forum_update, name="forum_update"),
    path("forum/<int:pk>/platser/ny/", seats.seat_create, name="seat_create"),
    path("forum/<int:pk>/moten/nytt/", meetings.meeting_create, name="meeting_create"),
    path("forum/<int:pk>/beslut.csv", forums.decisions_csv, name="decisions_csv"),
    path("platser/<int:pk>/redigera/", seats.seat_update, name="seat_update"),
    path("platser/<int:pk>/ta-bort/", seats.seat_delete, name="seat_delete"),
    path("kluster/", seats.cluster_representation_list, name="cluster_representation_list"),
    path(
        "kluster/representation/<int:pk>/avsluta/",
        seats.cluster_representation_end,
        name="cluster_representation_end",
    ),
    path("moten/sok/", search.meeting_search, name="meeting_search"),
    path("moten/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("moten/<int:pk>/redigera/", meetings.meeting_update, name="meeting_update"),
    path("moten/<int:pk>/stall-in/", meetings.meeting_cancel, name="meeting_cancel"),
    path(
        "moten/<int:pk>/kallelse/skicka/",
        meetings.meeting_invitation_send,
        name="meeting_invitation_send",
    ),
    path("moten/<int:pk>/kalender.ics", calendar.meeting_ics, name="meeting_ics"),
    path("moten/<int:pk>/dagordning/ny/", meetings.agenda_item_create, name="agenda_item_create"),
    path("moten/<int:pk>/bilagor/ny/", meetings.attachment_create, name="attachment_create"),
    path("moten/<int:pk>/narvaro/", meetings.attendance_edit, name="attendance_edit"),
    path("moten/<int:pk>/narvaro.csv", meetings.attendance_csv, name="attendance_csv"),
    path("moten/<int:pk>/beslut/nytt/", meetings.decision_create, name="decision_create"),
    path("moten/<int:pk>/atgarder/ny/", meetings.action_item_create, name="action_item_create"),
    path("moten/<int:pk>/protokoll/", minutes.minutes_detail, name="minutes_detail"),
    path("moten/<int:pk>/protokoll/skapa/", minutes.minutes_generate, name="minutes_generate"),
    path("moten/<int:pk>/protokoll/redigera/", minutes.minutes_edit, name="minutes_edit"),
    path("moten/<int:pk>/protokoll/justera/", minutes.minutes_approve, name="minutes_approve"),
    path("moten/<int:pk>/protokoll.pdf", minutes.minutes_pdf, name="minutes_pdf"),
    path(
        "dagordningspunkter/<int:pk>/redigera/",
        meetings.agenda_item_update,
        name="agenda_item_update",
    ),
    path("bilagor/<int:pk>/", meetings.attachment_download, name="attachment_download"),
    path("atgarder/<int:pk>/status/", meetings.action_item_status, name="action_item_status"),
    path("kalender/", calendar.calendar_settings, name="calendar_settings"),
    path("kalender/flode/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
