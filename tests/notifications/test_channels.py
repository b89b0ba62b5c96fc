import pytest
from django.urls import reverse

from notifications import channels, delivery
from notifications.models import Channel, Notification
from notifications.services import Outgoing, notifications_queue
from tests.factories import PersonFactory, UserFactory
from tests.notifications import fake_channel

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pager():
    """The test-only channel, registered for one test."""
    channels.register(fake_channel.PagerChannel)
    fake_channel.paged.clear()
    yield fake_channel.PagerChannel.key
    channels.unregister(fake_channel.PagerChannel.key)
    fake_channel.paged.clear()


def page(person, *, key="k1", channel_keys=("pager",)) -> Outgoing:
    return Outgoing(
        recipient=person,
        kind="meeting",
        subject="Möte i morgon",
        body="Kallelse till möte.",
        sms="SSR: möte i morgon.",
        reason="Du är ordinarie.",
        key=key,
        channels=channel_keys,
    )


def test_a_new_channel_is_one_class_registered_and_its_messages_are_delivered(pager):
    person = PersonFactory(mobile="+46 70 111 22 33", user=UserFactory())
    notifications_queue([page(person)])
    row = Notification.objects.get(channel=pager)
    assert row.status == Notification.Status.SENT and row.address == "+46 70 111 22 33"
    assert fake_channel.paged == [("+46 70 111 22 33", "SSR: möte i morgon.")]
    assert row.get_channel_display() == "Pager"  # the field's choices follow the registry


def test_a_new_channel_without_an_address_is_unreachable(pager):
    notifications_queue([page(PersonFactory(mobile=""))])
    row = Notification.objects.get(channel=pager)
    assert row.status == Notification.Status.UNREACHABLE
    assert row.last_error == "No pager number registered."
    assert fake_channel.paged == []


def test_a_new_channel_is_offered_on_the_preferences_page(pager, member, member_user):
    assert (
        'name="meeting:pager"' in member.get(reverse("notifications:preferences")).content.decode()
    )
    member.post(reverse("notifications:preferences"), {"meeting:email": "on"})
    notifications_queue([page(member_user.person, channel_keys=(Channel.EMAIL, pager))])
    assert not Notification.objects.filter(channel=pager).exists()  # switched off by the user


def test_the_built_in_channels_are_registered_in_page_order():
    # Other apps may register channels of their own (after these, by their order).
    own = [c.key for c in channels.all() if c.__module__.startswith("notifications.")]
    assert own == ["email", "sms", "portal", "webhook"]  # webhooks: systems, not people
    assert channels.get("portal").delivered_on_store


def test_a_message_on_an_unregistered_channel_is_refused():
    with pytest.raises(LookupError):
        notifications_queue([page(PersonFactory(), channel_keys=("pager",))])
    assert not Notification.objects.exists()


def test_a_row_whose_channel_is_gone_fails_without_retries():
    row = Notification.objects.create(
        dedupe_key="gone",
        recipient=PersonFactory(),
        channel="pager",
        kind="meeting",
        address="+46 70 111 22 33",
        subject="Ämne",
        body="Text",
        reason="R",
    )
    assert delivery.notification_deliver(row.pk) is None
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and "pager" in row.last_error


def test_the_sms_backend_paths_of_the_settings_still_import(settings):
    from django.utils.module_loading import import_string

    for path in (settings.SMS_BACKEND, "notifications.channels.HttpSmsGateway"):
        assert hasattr(import_string(path), "send")
