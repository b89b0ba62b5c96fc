import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import delivery, services
from notifications.models import Channel, Notification, Preference
from notifications.services import Outgoing, notifications_queue
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def message(person, key="k1", kind="meeting", channels=(Channel.EMAIL, Channel.PORTAL), **extra):
    return Outgoing(
        recipient=person,
        kind=kind,
        subject="Ämne",
        body="Text",
        reason="Du är ordinarie för Säkerhetschef hos Huddinge kommun i Regional samordningsgrupp.",
        key=key,
        channels=channels,
        **extra,
    )


@pytest.fixture
def person():
    return PersonFactory(email="hanna@example.org", mobile="+46 70 111 22 33", user=UserFactory())


def test_rows_are_written_in_the_callers_transaction(person, smtp):
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications_queue([message(person)])
        raise RuntimeError("the event failed")
    assert not Notification.objects.exists()
    assert smtp.messages == []


def test_a_message_is_sent_once_with_its_reason(person, smtp):
    with transaction.atomic():
        notifications_queue([message(person)])
        notifications_queue([message(person)])  # the producer ran twice
    [sent] = smtp.messages
    assert sent["To"] == "hanna@example.org"
    assert "Du är ordinarie för Säkerhetschef" in sent.get_body(("plain",)).get_content()
    assert Notification.objects.filter(channel=Channel.EMAIL, status="sent").count() == 1
    portal = Notification.objects.get(channel=Channel.PORTAL)
    assert portal.status == "sent" and portal.read_at is None


def test_delivering_twice_sends_once(person, smtp, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from ssr_portal.celery import app

    app.conf.task_always_eager = False
    try:
        with transaction.atomic():
            [email_id] = notifications_queue([message(person, channels=(Channel.EMAIL,))])
            transaction.set_rollback(False)
    finally:
        app.conf.task_always_eager = True
    # The after-commit enqueue went to Redis with no worker listening; deliver by hand, twice.
    delivery.notification_deliver(email_id)
    delivery.notification_deliver(email_id)
    assert len(smtp.messages) == 1


def _queued_without_sending(messages) -> list[int]:
    """Write the rows and let the after-commit enqueue go to Redis, where no worker listens."""
    from ssr_portal.celery import app

    app.conf.task_always_eager = False
    try:
        with transaction.atomic():
            ids = notifications_queue(messages)
    finally:
        app.conf.task_always_eager = True
    return ids


def test_a_batch_shares_one_smtp_connection_and_a_refused_address_fails_alone(smtp):
    people = [PersonFactory(email=f"holder{i}@example.org") for i in range(30)]
    smtp.collector.refuse.add("holder7@example.org")
    ids = _queued_without_sending(
        [message(p, key=f"alert:{p.pk}", channels=(Channel.EMAIL,)) for p in people]
    )
    assert delivery.notifications_deliver(ids) == {}
    assert len(smtp.messages) == 29
    assert smtp.collector.sessions == 1
    failed = Notification.objects.get(status="failed")
    assert failed.address == "holder7@example.org"
    assert Notification.objects.filter(status="sent").count() == 29
    # Delivering the same batch again sends nothing twice.
    delivery.notifications_deliver(ids)
    assert len(smtp.messages) == 29


def test_a_batch_with_the_server_gone_keeps_every_message_for_a_retry(smtp, settings):
    person = PersonFactory(email="hanna@example.org")
    ids = _queued_without_sending([message(person, channels=(Channel.EMAIL,))])
    settings.EMAIL_PORT = 1  # nothing listens there
    retries = delivery.notifications_deliver(ids)
    assert set(retries) == set(ids) and all(delay > 0 for delay in retries.values())
    assert Notification.objects.get(pk=ids[0]).status == "pending"
    assert smtp.messages == []


def test_missing_contact_path_is_unreachable_not_a_crash(smtp):
    nobody = PersonFactory(email="", mobile="")
    notifications_queue([message(nobody, channels=(Channel.EMAIL, Channel.SMS))])
    rows = {n.channel: n for n in Notification.objects.all()}
    assert rows["email"].status == rows["sms"].status == "unreachable"
    assert rows["sms"].last_error == "Inget mobilnummer registrerat."
    assert smtp.messages == []


def test_a_refused_address_fails_with_the_reason(person, smtp):
    smtp.collector.refuse.add("hanna@example.org")
    notifications_queue([message(person, channels=(Channel.EMAIL,))])
    row = Notification.objects.get()
    assert row.status == "failed" and "refused" in row.last_error


def test_an_unreachable_server_is_retried_then_failed(person, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    notifications_queue([message(person, channels=(Channel.EMAIL,))])
    row = Notification.objects.get()
    assert row.status == "pending" and row.attempts == 1 and row.next_attempt_at > timezone.now()
    for _ in range(settings.NOTIFICATION_MAX_ATTEMPTS):
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=None)
        delivery.notification_deliver(row.pk)
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == settings.NOTIFICATION_MAX_ATTEMPTS
    assert "SMTP" in row.last_error


def test_stale_rows_are_queued_again_and_sent(person, smtp):
    row = Notification.objects.create(
        dedupe_key="stale",
        recipient=person,
        channel="email",
        kind="meeting",
        address=person.email,
        subject="Gammal",
        body="Text",
        reason="R",
        status="sending",
        sending_started_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert services.requeue_stale() == 1  # the worker that claimed it died
    row.refresh_from_db()
    assert row.status == "sent" and len(smtp.messages) == 1


def test_sms_goes_to_the_gateway_and_says_who_it_is_from(person, sms_gateway):
    notifications_queue([message(person, channels=(Channel.SMS,), sms="SSR: aktiverat läge.")])
    [posted] = sms_gateway.received
    assert posted["to"] == "+46 70 111 22 33" and posted["from"] == "SSR"
    assert posted["message"].startswith("SSR:") and len(posted["message"]) <= 306
    assert posted["auth"] == "Bearer test-token"


def test_sms_gateway_errors(person, sms_gateway):
    sms_gateway.status = 400
    notifications_queue([message(person, key="a", channels=(Channel.SMS,))])
    assert Notification.objects.get(dedupe_key__startswith="a:").status == "failed"
    sms_gateway.status = 503
    notifications_queue([message(person, key="b", channels=(Channel.SMS,))])
    assert Notification.objects.get(dedupe_key__startswith="b:").status == "pending"


def test_preferences_switch_channels_off_but_not_mandatory_ones(person, smtp):
    services.preferences_save(
        user=person.user,
        choices={("meeting", "email"): False, ("activation_alert", "email"): False},
    )
    assert Preference.objects.filter(enabled=False).count() == 1  # the alert stays on
    notifications_queue(
        [message(person, key="m"), message(person, key="a", kind="activation_alert")]
    )
    kinds = set(Notification.objects.filter(channel="email").values_list("kind", flat=True))
    assert kinds == {"activation_alert"}


def test_fan_out_writes_rows_in_bulk(django_assert_max_num_queries):
    people = PersonFactory.create_batch(2000, email="x@example.org")
    with django_assert_max_num_queries(12), transaction.atomic():
        ids = notifications_queue(
            [message(p, key="fan", channels=(Channel.EMAIL,)) for p in people]
        )
        transaction.set_rollback(True)  # measure the writing, not the sending
    assert len(ids) == 2000
