from django.urls import path

from . import views

urlpatterns = [
    path(
        "handelser/<int:pk>/checklista/ny/",
        views.checklist_item_create,
        name="checklist_item_create",
    ),
    path("checklista/<int:pk>/status/", views.checklist_item_state, name="checklist_item_state"),
    path("checklista/<int:pk>/agare/", views.checklist_item_owner, name="checklist_item_owner"),
]
