import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Channel, Notification
from notifications.services import Outgoing, notifications_queue
from tests.notifications.test_webhooks import WEBHOOK_URLS

pytestmark = pytest.mark.django_db

PAGES = [
    ("notifications:inbox", (302, 200, 200)),
    ("notifications:preferences", (302, 200, 200)),
    ("notifications:outbox", (302, 403, 200)),
]


@pytest.mark.parametrize(("name", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_permission_matrix(name, expected, member, secretariat):
    for client, status in zip((Client(), member, secretariat), expected, strict=True):
        assert client.get(reverse(name)).status_code == status


def test_every_notifications_url_is_covered():
    from notifications.urls import urlpatterns

    assert {p.name for p in urlpatterns} == {n.split(":")[1] for n, _ in PAGES} | {
        "inbox_item",
        "inbox_read_all",
        "outbox_retry",
    } | set(WEBHOOK_URLS)


def test_inbox_counts_unread_and_marks_read(member, member_user):
    notifications_queue(
        [
            Outgoing(
                recipient=member_user.person,
                kind="meeting",
                subject="Kallelse",
                body="Text",
                reason="Du är ordinarie.",
                key="k",
                channels=(Channel.PORTAL,),
            )
        ]
    )
    page = member.get(reverse("home")).content.decode()
    assert "1 oläst" in page
    item = Notification.objects.get()
    body = member.get(reverse("notifications:inbox_item", args=[item.pk])).content.decode()
    assert "Du är ordinarie." in body
    assert "oläst" not in member.get(reverse("home")).content.decode()


def test_someone_elses_message_is_404(member, secretariat_user):
    notifications_queue(
        [
            Outgoing(
                recipient=secretariat_user.person,
                kind="meeting",
                subject="Hemligt",
                body="Text",
                reason="R",
                key="k",
                channels=(Channel.PORTAL,),
            )
        ]
    )
    item = Notification.objects.get()
    assert member.get(reverse("notifications:inbox_item", args=[item.pk])).status_code == 404


def test_activation_alerts_cannot_be_switched_off_in_the_page(member, member_user):
    member.post(reverse("notifications:preferences"), {"meeting:portal": "on"})
    page = member.get(reverse("notifications:preferences")).content.decode()
    assert 'name="activation_alert:email" checked disabled' in page
    assert 'name="meeting:email"' in page and 'name="meeting:email" checked' not in page
