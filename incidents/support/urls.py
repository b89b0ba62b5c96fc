from django.urls import path

from . import views

# Appended to the incidents namespace: the names are incidents:<name>.
urlpatterns = [
    path("handelser/<int:pk>/begaran/", views.request_list, name="support_request_list"),
    path("handelser/<int:pk>/begaran/ny/", views.request_create, name="support_request_create"),
    path(
        "handelser/<int:pk>/begaran/lagesbild/",
        views.picture_panel,
        name="support_picture_panel",
    ),
    path("begaran/<int:pk>/", views.request_detail, name="support_request_detail"),
    path("begaran/<int:pk>/<slug:action>/", views.request_action, name="support_request_action"),
]
