from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("meddelanden/", views.inbox, name="inbox"),
    path("meddelanden/<int:pk>/", views.inbox_item, name="inbox_item"),
    path("meddelanden/alla-lasta/", views.inbox_read_all, name="inbox_read_all"),
    path("meddelanden/installningar/", views.preferences, name="preferences"),
    path("meddelanden/utskick/", views.outbox, name="outbox"),
    path("meddelanden/utskick/<int:pk>/skicka-igen/", views.outbox_retry, name="outbox_retry"),
]
