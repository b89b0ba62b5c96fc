"""The admin's history page of every registered model opens, for a superuser, on an object of
the world (tests/world.py): models with django-simple-history show its versions, the others
(the outbox of notifications) the admin's own change log."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.conftest import verified_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db) -> Client:
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    return verified_login(Client(), user)


def test_every_admin_history_page_opens(world, superuser):
    from notifications.models import KindPolicy
    from tests.incidents.conferences.world import extra as conference_world
    from tests.incidents.support.world import world_request

    KindPolicy.objects.get_or_create(kind="world", defaults={"label": "Världen"})
    conference_world(world)  # the world's conferences, their records and a checklist item
    world_request(world)  # a request for support and its first step
    opened, failures = set(), []
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue  # the world has none of these
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        response = superuser.get(url)  # a 500 raises here
        if response.status_code != 200:
            failures.append(f"{url}: {response.status_code}")
        opened.add(opts.label)
    assert failures == []
    assert {"notifications.Notification", "notifications.KindPolicy"} <= opened
    assert {"actors.Actor", "forums.Meeting", "incidents.Incident"} <= opened
    assert len(opened) >= 0.8 * len(admin.site._registry), sorted(
        m._meta.label for m in admin.site._registry if m._meta.label not in opened
    )


def test_a_model_without_simple_history_shows_the_admins_change_log(world, superuser):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    notification = world["notification"]
    LogEntry.objects.create(
        user=UserFactory(username="logger"),
        content_type=ContentType.objects.get_for_model(notification),
        object_id=str(notification.pk),
        object_repr=str(notification)[:200],
        action_flag=CHANGE,
        change_message="Skickad igen",
    )
    url = reverse("admin:notifications_notification_history", args=[notification.pk])
    page = superuser.get(url)
    assert page.status_code == 200
    assert "Skickad igen" in page.content.decode()
    version = reverse("admin:notifications_notification_simple_history", args=[notification.pk, 1])
    assert superuser.get(version).status_code == 404
