from django.urls import path

from . import register_views, views
from .cap import urls as cap_urls
from .checklist import urls as checklist_urls
from .conferences import urls as conference_urls
from .picture import views as picture_views
from .roster import views as roster_views
from .support import urls as support_urls

app_name = "incidents"

urlpatterns = [
    path("handelser/", views.incident_list, name="incident_list"),
    path("handelser/signalera/", views.signal_create, name="signal_create"),
    path("handelser/signaler/<int:pk>/", views.signal_detail, name="signal_detail"),
    path(
        "handelser/signaler/kvittera/<str:token>/",
        views.signal_acknowledge,
        name="signal_acknowledge",
    ),
    path("handelser/aktivera/", views.incident_activate, name="incident_activate"),
    path("handelser/register/", views.register, name="register"),
    path("handelser/register.csv", views.register_csv, name="register_csv"),
    path("handelser/statistik/", register_views.statistics, name="statistics"),
    path("handelser/statistik.csv", register_views.statistics_csv, name="statistics_csv"),
    path("handelser/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("handelser/<int:pk>/forum/", views.incident_forums, name="incident_forums"),
    path("handelser/<int:pk>/avaktivera/", views.incident_deactivate, name="incident_deactivate"),
    path("handelser/<int:pk>/uppfoljning/", views.incident_follow_up, name="incident_follow_up"),
    path("handelser/<int:pk>/status/", views.status_set, name="status_set"),
    path("handelser/<int:pk>/rapport/", views.report_create, name="report_create"),
    path("handelser/<int:pk>/lagesbild/", picture_views.picture, name="picture"),
    path("handelser/<int:pk>/lagesbild/live/", picture_views.picture_live, name="picture_live"),
    path(
        "handelser/<int:pk>/lagesbild/publicera/",
        picture_views.picture_publish,
        name="picture_publish",
    ),
    path("handelser/<int:pk>/inriktningar/ny/", views.direction_create, name="direction_create"),
    path("handelser/<int:pk>/budskap/nytt/", views.message_create, name="message_create"),
    path("handelser/<int:pk>/sok/", register_views.incident_search, name="incident_search"),
    path("handelser/<int:pk>/logg/", views.incident_log, name="incident_log"),
    path("handelser/<int:pk>/logg.csv", views.incident_log_csv, name="incident_log_csv"),
    path("handelser/<int:pk>/logg.pdf", views.incident_log_pdf, name="incident_log_pdf"),
    path("lagesbilder/<int:pk>/pdf/", picture_views.picture_pdf, name="picture_pdf"),
    path(
        "inriktningar/<int:pk>/kvittera/", views.direction_acknowledge, name="direction_acknowledge"
    ),
    # Before message_action: its <slug:action> would take these.
    path("budskap/<int:pk>/andra/", views.message_edit, name="message_edit"),
    path("budskap/<int:pk>/dra-tillbaka/", views.message_withdraw, name="message_withdraw"),
    path("budskap/<int:pk>/<slug:action>/", views.message_action, name="message_action"),
    path("handelser/<int:pk>/kvittenser/", views.alert_board, name="board"),
    path("handelser/<int:pk>/kvittera/", views.acknowledge_in_portal, name="acknowledge_in_portal"),
    path("kvittera/<str:token>/", views.acknowledge, name="acknowledge"),
    path("beredskap/", roster_views.roster, name="roster"),
    path("beredskap/pass/nytt/", roster_views.shift_create, name="shift_create"),
    path("beredskap/pass/<int:pk>/", roster_views.shift_detail, name="shift_detail"),
    path(
        "beredskap/andringar/<int:pk>/",
        roster_views.shift_change_decide,
        name="shift_change_decide",
    ),
    path("beredskap/timmar/", roster_views.roster_hours, name="roster_hours"),
    path("forberedda-inriktningar/", views.prepared_direction_list, name="prepared_direction_list"),
    path(
        "forberedda-inriktningar/ny/",
        views.prepared_direction_edit,
        name="prepared_direction_create",
    ),
    path(
        "forberedda-inriktningar/<int:pk>/redigera/",
        views.prepared_direction_edit,
        name="prepared_direction_update",
    ),
    path("typhandelser/ny/", views.event_type_create, name="event_type_create"),
]

urlpatterns += checklist_urls.urlpatterns + conference_urls.urlpatterns + support_urls.urlpatterns
urlpatterns += cap_urls.urlpatterns
