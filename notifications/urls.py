from django.urls import path

from . import views, webhook_views

app_name = "notifications"

urlpatterns = [
    path("meddelanden/", views.inbox, name="inbox"),
    path("meddelanden/<int:pk>/", views.inbox_item, name="inbox_item"),
    path("meddelanden/alla-lasta/", views.inbox_read_all, name="inbox_read_all"),
    path("meddelanden/installningar/", views.preferences, name="preferences"),
    path("meddelanden/utskick/", views.outbox, name="outbox"),
    path("meddelanden/utskick/<int:pk>/skicka-igen/", views.outbox_retry, name="outbox_retry"),
    path("webhooks/", webhook_views.webhook_list, name="webhook_list"),
    path("webhooks/ny/", webhook_views.webhook_create, name="webhook_create"),
    path("webhooks/<int:pk>/", webhook_views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:pk>/andra/", webhook_views.webhook_edit, name="webhook_edit"),
    path("webhooks/<int:pk>/pausa/", webhook_views.webhook_pause, name="webhook_pause"),
    path("webhooks/<int:pk>/ateruppta/", webhook_views.webhook_resume, name="webhook_resume"),
    path("webhooks/<int:pk>/ta-bort/", webhook_views.webhook_delete, name="webhook_delete"),
]
