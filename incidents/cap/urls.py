from django.urls import path

from . import views

# Appended to the incidents namespace: the names are incidents:<name>. Under cap/, not
# budskap/<pk>/…: incidents' message_action takes budskap/<pk>/<slug>/.
urlpatterns = [
    path("cap/feed.xml", views.feed, name="cap_feed"),
    path("cap/<int:pk>.xml", views.alert_xml, name="cap_alert_xml"),
    path("cap/budskap/<int:pk>/", views.message_alerts, name="cap_message"),
    path("cap/budskap/<int:pk>/exportera/", views.export, name="cap_export"),
    path("cap/budskap/<int:pk>/avbryt/", views.cancel, name="cap_cancel"),
]
