"""Webhooks delivered through the outbox to a real HTTP receiver on 127.0.0.1, whose signatures
are checked with the independent Standard Webhooks implementation (the ``standardwebhooks``
package), and the secretariat's pages for the subscriptions."""

import datetime
import http.server
import threading
from collections import deque

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from incidents import services as incident_services
from incidents.picture import services as picture_services
from notifications import channels, delivery, webhooks
from notifications.models import Notification, WebhookSubscription
from tests.incidents.conftest import incident, prepared  # noqa: F401  (fixtures)
from tests.incidents.support.conftest import (  # noqa: F401  (fixtures)
    crisis,
    fire,
    fire_user,
    police,
    police_user,
    raise_request,
)

WEBHOOK_URLS = {
    "webhook_list": False,
    "webhook_create": False,
    "webhook_detail": True,
    "webhook_edit": True,
    "webhook_delete": True,
    "webhook_pause": True,
    "webhook_resume": True,
}


class Receiver:
    """An HTTP server in a thread that answers with the scripted statuses (then 200) and keeps
    each request's path, headers and body."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.statuses: deque[int] = deque()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((self.path, dict(self.headers.items()), body))
                status = receiver.statuses.popleft() if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def subscribe(actor, owner, url, events=("picture.published",)) -> WebhookSubscription:
    return webhooks.subscription_create(
        actor=actor, name=f"System {actor.name}", url=url, event_types=events, owner=owner
    )


def verified(subscription: WebhookSubscription, headers: dict[str, str], body: bytes) -> dict:
    return Webhook(subscription.secret).verify(body, {k.lower(): v for k, v in headers.items()})


def publish(incident, rsib):  # noqa: F811
    return picture_services.picture_publish(
        incident=incident, audience="full", summary="Läget är ansträngt.", published_by=rsib
    )


def retry_now(row: Notification) -> None:
    """The backoff has passed: the outbox's next attempt at the row."""
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    delivery.notifications_deliver([row.pk])


# --- Delivery -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_published_picture_reaches_the_involved_actors_system_once_signed(
    incident,  # noqa: F811
    seat,
    holder,
    outsider,
    rsib,
    receiver,
):
    involved = subscribe(seat.actor, holder.person, receiver.url("/involved"))
    other = subscribe(outsider.person.actor, outsider.person, receiver.url("/other"))
    picture = publish(incident, rsib)

    assert [path for path, _h, _b in receiver.requests] == ["/involved"]
    _path, headers, body = receiver.requests[0]
    payload = verified(involved, headers, body)
    assert payload["type"] == "picture.published"
    assert payload["data"]["incident"] == {
        "id": incident.pk,
        "title": "Storm över länet",
        "is_exercise": False,
        "url": "http://127.0.0.1:8000" + incident.get_absolute_url(),
    }
    assert payload["data"]["picture"]["id"] == picture.pk
    assert payload["data"]["picture"]["version"] == 1
    # Signed for that subscription only: the other one's secret does not verify it.
    with pytest.raises(WebhookVerificationError):
        verified(other, headers, body)
    row = Notification.objects.get(channel="webhook")
    assert headers["webhook-id"] == str(row.uid)
    assert row.status == Notification.Status.SENT and row.attempts == 1

    # The producer retried: nothing more is queued or sent.
    from incidents import webhooks as incident_webhooks

    incident_webhooks.picture_published(picture)
    assert len(receiver.requests) == 1
    assert Notification.objects.filter(channel="webhook").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_tampered_body_fails_the_independent_verification(incident, seat, holder, rsib, receiver):  # noqa: F811
    subscription = subscribe(seat.actor, holder.person, receiver.url("/h"))
    publish(incident, rsib)
    _path, headers, body = receiver.requests[0]
    with pytest.raises(WebhookVerificationError):
        verified(subscription, headers, body.replace(b"Storm", b"Sol"))


@pytest.mark.django_db(transaction=True)
def test_a_direction_and_deactivation_go_to_the_subscribers_of_those_events(
    incident,  # noqa: F811
    seat,
    holder,
    rsib,
    receiver,
):
    subscription = subscribe(
        seat.actor, holder.person, receiver.url("/h"), ("direction.issued", "incident.deactivated")
    )
    direction = incident_services.direction_issue(incident=incident, text="Prioritera el.", by=rsib)
    incident_services.incident_deactivate(incident=incident, by=rsib)
    payloads = [verified(subscription, h, b) for _p, h, b in receiver.requests]
    assert [p["type"] for p in payloads] == ["direction.issued", "incident.deactivated"]
    assert payloads[0]["data"]["direction"]["id"] == direction.pk
    assert "text" not in payloads[0]["data"]["direction"]  # the portal link, not the content


@pytest.mark.django_db(transaction=True)
def test_a_request_for_support_goes_only_to_the_systems_of_the_actors_asked(
    crisis,  # noqa: F811
    seat,
    holder,
    police,  # noqa: F811
    fire,  # noqa: F811
    police_user,  # noqa: F811
    fire_user,  # noqa: F811
    receiver,
):
    subscribe(seat.actor, holder.person, receiver.url("/huddinge"), ("support_request.addressed",))
    asked = subscribe(
        police, police_user.person, receiver.url("/police"), ("support_request.addressed",)
    )
    subscribe(fire, fire_user.person, receiver.url("/fire"), ("support_request.addressed",))
    request = raise_request(crisis, holder, actor=seat.actor, addressed=[police])
    assert [path for path, _h, _b in receiver.requests] == ["/police"]
    payload = verified(asked, receiver.requests[0][1], receiver.requests[0][2])
    assert payload["data"]["support_request"]["id"] == request.pk
    assert payload["data"]["support_request"]["title"] == "Två reservkraftverk"


@pytest.mark.django_db(transaction=True)
def test_503_then_200_is_delivered_once_with_the_same_webhook_id(
    incident,  # noqa: F811
    seat,
    holder,
    rsib,
    receiver,
):
    subscription = subscribe(seat.actor, holder.person, receiver.url("/h"))
    receiver.statuses.append(503)
    publish(incident, rsib)
    row = Notification.objects.get(channel="webhook")
    assert row.status == Notification.Status.PENDING and "503" in row.last_error
    assert row.next_attempt_at > timezone.now()  # backoff
    retry_now(row)
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.attempts == 2
    assert len(receiver.requests) == 2
    first, second = (headers for _p, headers, _b in receiver.requests)
    assert first["webhook-id"] == second["webhook-id"] == str(row.uid)
    assert receiver.requests[0][2] == receiver.requests[1][2]  # the same body
    verified(subscription, second, receiver.requests[1][2])
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0
    retry_now(row)  # already sent: nothing more
    assert len(receiver.requests) == 2


@pytest.mark.django_db(transaction=True)
def test_failing_deliveries_pause_the_subscription_and_tell_its_owner(
    incident,  # noqa: F811
    seat,
    holder,
    rsib,
    receiver,
    settings,
):
    settings.WEBHOOK_PAUSE_AFTER_FAILURES = 2
    subscription = subscribe(seat.actor, holder.person, receiver.url("/h"))
    receiver.statuses.extend([410, 404])  # 4xx: permanent, no retry
    publish(incident, rsib)
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.consecutive_failures == 1
    mail.outbox.clear()
    publish(incident, rsib)
    subscription.refresh_from_db()
    assert subscription.status == WebhookSubscription.Status.PAUSED
    assert (
        list(Notification.objects.filter(channel="webhook").values_list("status", flat=True))
        == [Notification.Status.FAILED] * 2
    )
    told = Notification.objects.get(kind=webhooks.KIND_PAUSED, channel="portal")
    assert told.recipient == holder.person
    assert [m.to for m in mail.outbox if "Webhook" in m.subject] == [[holder.person.email]]
    # Paused: the next picture queues nothing.
    publish(incident, rsib)
    assert len(receiver.requests) == 2
    # Resumed: delivered again.
    webhooks.subscription_resume(subscription=subscription)
    publish(incident, rsib)
    assert len(receiver.requests) == 3
    assert Notification.objects.filter(channel="webhook").latest("pk").status == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_transient_failure_counts_only_when_the_outbox_gives_up(
    incident,  # noqa: F811
    seat,
    holder,
    rsib,
    receiver,
    settings,
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    subscription = subscribe(seat.actor, holder.person, receiver.url("/h"))
    receiver.statuses.extend([500, 429])
    publish(incident, rsib)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0  # to be retried
    row = Notification.objects.get(channel="webhook")
    retry_now(row)
    row.refresh_from_db()
    subscription.refresh_from_db()
    assert row.status == Notification.Status.FAILED and "429" in row.last_error
    assert subscription.consecutive_failures == 1


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_receiver_is_retried(incident, seat, holder, rsib, receiver):  # noqa: F811
    subscribe(seat.actor, holder.person, receiver.url("/h"))
    url = receiver.url("/h")
    receiver.close()
    publish(incident, rsib)
    row = Notification.objects.get(channel="webhook")
    assert row.status == Notification.Status.PENDING and row.address == url


# --- Rules ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_https_is_required_except_for_the_allowed_hosts(seat, holder, settings):
    settings.WEBHOOK_ALLOW_HTTP_HOSTS = ["127.0.0.1"]
    with pytest.raises(ValidationError, match="HTTPS"):
        subscribe(seat.actor, holder.person, "http://larm.example/ssr")
    with pytest.raises(ValidationError):
        subscribe(seat.actor, holder.person, "ftp://larm.example/ssr")
    assert subscribe(seat.actor, holder.person, "https://larm.example/ssr").pk
    assert subscribe(seat.actor, holder.person, "http://127.0.0.1:9/ssr").pk
    settings.WEBHOOK_ALLOW_HTTP_HOSTS = []
    with pytest.raises(ValidationError, match="HTTPS"):
        subscribe(seat.actor, holder.person, "http://127.0.0.1:9/ssr")


@pytest.mark.django_db
def test_the_secret_is_a_standard_webhooks_secret_and_signs_as_the_library_does(seat, holder):
    subscription = subscribe(seat.actor, holder.person, "https://larm.example/ssr")
    assert subscription.secret.startswith("whsec_") and len(subscription.secret) == 6 + 44
    other = subscribe(seat.actor, holder.person, "https://larm.example/ssr")
    assert other.secret != subscription.secret
    at = datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC)
    ours = webhooks.signature(
        subscription.secret, msg_id="msg_1", timestamp=int(at.timestamp()), body="{}"
    )
    assert ours == Webhook(subscription.secret).sign("msg_1", at, "{}")
    assert "secret" not in {f.name for f in WebhookSubscription.history.model._meta.fields}


def test_the_webhook_channel_is_not_a_personal_channel():
    assert channels.get("webhook").personal is False


@pytest.mark.django_db
def test_unknown_events_are_refused(seat, holder):
    with pytest.raises(ValidationError):
        subscribe(seat.actor, holder.person, "https://larm.example/ssr", ("made.up",))
    with pytest.raises(ValidationError):
        subscribe(seat.actor, holder.person, "https://larm.example/ssr", ())
    with pytest.raises(LookupError):
        webhooks.webhook_event("made.up", actor_ids=[seat.actor.pk], payload={}, key="k")


# --- Pages ----------------------------------------------------------------------------------


@pytest.fixture
def subscription(seat, holder):
    return subscribe(seat.actor, holder.person, "https://larm.example/ssr")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(WEBHOOK_URLS))
def test_permission_matrix(name, subscription, member, secretariat):
    url = reverse(f"notifications:{name}", args=[subscription.pk] if WEBHOOK_URLS[name] else [])
    post_only = name in {"webhook_pause", "webhook_resume"}
    for client, status in ((Client(), 302), (member, 403)):
        assert client.get(url).status_code == status
        assert client.post(url, {}).status_code == status
    assert secretariat.get(url).status_code == (405 if post_only else 200)
    subscription.refresh_from_db()
    assert subscription.is_active  # nothing done by those refused


@pytest.mark.django_db
def test_creating_shows_the_secret_once(secretariat, seat, holder):
    response = secretariat.post(
        reverse("notifications:webhook_create"),
        {
            "actor": seat.actor.pk,
            "name": "Larmsystemet",
            "url": "https://larm.huddinge.example/ssr",
            "event_types": ["picture.published", "direction.issued"],
            "owner": holder.person.pk,
        },
    )
    subscription = WebhookSubscription.objects.get()
    assert response.status_code == 302 and response.url == subscription.get_absolute_url()
    assert subscription.event_types == ["picture.published", "direction.issued"]
    assert subscription.secret in secretariat.get(response.url).content.decode()
    assert subscription.secret not in secretariat.get(response.url).content.decode()


@pytest.mark.django_db
def test_a_plain_http_url_is_refused_by_the_form(secretariat, seat, holder):
    response = secretariat.post(
        reverse("notifications:webhook_create"),
        {
            "actor": seat.actor.pk,
            "name": "Larmsystemet",
            "url": "http://larm.huddinge.example/ssr",
            "event_types": ["picture.published"],
            "owner": holder.person.pk,
        },
    )
    assert response.status_code == 400
    assert "HTTPS" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_edit_pause_resume_and_delete(secretariat, subscription, member_user):
    url = reverse("notifications:webhook_edit", args=[subscription.pk])
    response = secretariat.post(
        url,
        {
            "name": "Nytt namn",
            "url": "https://nytt.example/hook",
            "event_types": ["incident.activated"],
            "owner": member_user.person.pk,
        },
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.name, subscription.url, subscription.event_types) == (
        "Nytt namn",
        "https://nytt.example/hook",
        ["incident.activated"],
    )
    assert subscription.owner == member_user.person
    secretariat.post(reverse("notifications:webhook_pause", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.status == WebhookSubscription.Status.PAUSED
    secretariat.post(reverse("notifications:webhook_resume", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.is_active
    delete = reverse("notifications:webhook_delete", args=[subscription.pk])
    assert "Nytt namn" in secretariat.get(delete).content.decode()  # asks first
    assert WebhookSubscription.objects.exists()
    assert secretariat.post(delete).status_code == 302
    assert not WebhookSubscription.objects.exists()
    assert WebhookSubscription.history.filter(id=subscription.pk, history_type="-").exists()


@pytest.fixture
def test_event():
    webhooks.register_event("test.event", label="Test")
    yield "test.event"
    webhooks._events.pop("test.event", None)


def _deliveries(subscription, count: int, start: int = 0) -> None:
    subscription.event_types = ["test.event"]
    subscription.save()
    for n in range(start, start + count):
        webhooks.webhook_event(
            "test.event", actor_ids=[subscription.actor_id], payload={"n": n}, key=f"t{n}"
        )


@pytest.mark.django_db
def test_the_deliveries_page_lists_status_attempts_and_errors_in_constant_queries(
    secretariat, subscription, test_event, django_assert_max_num_queries
):
    url = reverse("notifications:webhook_detail", args=[subscription.pk])
    _deliveries(subscription, 2)
    Notification.objects.filter(channel="webhook").update(
        status=Notification.Status.FAILED, attempts=3, last_error="Webhook 500: boom"
    )
    with django_assert_max_num_queries(30) as few:
        page = secretariat.get(url).content.decode()
    assert page.count("Webhook 500: boom") == 2 and "test.event" in page
    _deliveries(subscription, 40, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        secretariat.get(url)
    for name in ("webhook_list",):
        with django_assert_max_num_queries(30) as few:
            secretariat.get(reverse(f"notifications:{name}"))
        for n in range(20):
            subscribe(subscription.actor, subscription.owner, f"https://x{n}.example/")
        with django_assert_max_num_queries(len(few.captured_queries)):
            secretariat.get(reverse(f"notifications:{name}"))
