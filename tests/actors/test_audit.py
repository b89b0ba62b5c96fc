"""The audit trail: events are recorded, cannot be changed, are searchable and purged."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from actors import audit
from actors.models import AuditEvent
from forums import services as forum_services
from tests.factories import AssignmentFactory, MeetingFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
Kind = AuditEvent.Kind


def kinds(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).order_by("pk").values_list("kind", flat=True))


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_logins_failures_lockouts_and_unlocks_are_recorded(
    member_user, secretariat, secretariat_user, settings
):
    client = Client(REMOTE_ADDR="192.0.2.7")
    assert login(client, "maja", "correct-horse-battery").status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "maja", "fel-lösenord")
    from collections import Counter

    recorded = kinds(username="maja")
    assert recorded[:2] == [Kind.LOGIN, Kind.LOGOUT]
    assert Counter(recorded[2:]) == {
        Kind.LOGIN_FAILED: settings.AXES_FAILURE_LIMIT,
        Kind.LOCKOUT: 1,
    }
    failed = AuditEvent.objects.filter(kind=Kind.LOGIN_FAILED).first()
    assert failed.ip_address == "192.0.2.7" and failed.user is None
    secretariat.post(reverse("lockouts"), {"username": "maja"})
    unlock = AuditEvent.objects.get(kind=Kind.UNLOCK)
    assert unlock.detail == "maja" and unlock.user == secretariat_user
    assert unlock.username == "sara"


def test_two_factor_enrolment_and_reset_are_recorded(secretariat, secretariat_user, member_user):
    TOTPDevice.objects.create(user=member_user, name="app", confirmed=True)
    secretariat.post(reverse("two_factor_reset", args=[member_user.pk]))
    event = AuditEvent.objects.get(kind=Kind.OTP_RESET)
    assert event.subject_user == member_user and event.user == secretariat_user
    assert not TOTPDevice.objects.filter(user=member_user).exists()


def test_reset_does_not_redirect_off_site(secretariat, member_user):
    response = secretariat.post(
        reverse("two_factor_reset", args=[member_user.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_access_granted_and_withdrawn_with_an_assignment(forum, seat, actor_function):
    from actors.services import assignment_end

    person = PersonFactory(user=UserFactory(username="nils"))
    assignment = AssignmentFactory(actor_function=actor_function, person=person)
    forum_services.forum_access_sync()
    granted = AuditEvent.objects.get(kind=Kind.PERMISSION_GRANTED, subject_user=person.user)
    assert granted.object_id == str(forum.pk) and granted.detail == "view_forum"
    assignment_end(assignment=assignment, ends_on=timezone.localdate() - datetime.timedelta(days=1))
    forum_services.forum_access_sync()
    assert AuditEvent.objects.filter(
        kind=Kind.PERMISSION_WITHDRAWN, subject_user=person.user, object_id=str(forum.pk)
    ).exists()


def test_downloads_and_exports_are_recorded(forum, holder, holder_client, secretariat):
    meeting = MeetingFactory(forum=forum)
    attachment = forum_services.attachment_add(
        meeting=meeting,
        upload=SimpleUploadedFile("underlag.txt", b"Underlag"),
        sharing_level="forum",
    )
    assert (
        holder_client.get(reverse("forums:attachment_download", args=[attachment.pk])).status_code
        == 200
    )
    download = AuditEvent.objects.get(kind=Kind.DOWNLOAD)
    assert download.user == holder and download.object_id == str(attachment.pk)
    assert secretariat.get(reverse("forums:decisions_csv", args=[forum.pk])).status_code == 200
    export = AuditEvent.objects.get(kind=Kind.EXPORT)
    assert export.object_repr == str(forum) and export.detail.endswith("beslut.csv")


def test_a_refused_download_records_nothing(forum, outsider_client):
    meeting = MeetingFactory(forum=forum)
    attachment = forum_services.attachment_add(
        meeting=meeting, upload=SimpleUploadedFile("a.txt", b"A"), sharing_level="forum"
    )
    response = outsider_client.get(reverse("forums:attachment_download", args=[attachment.pk]))
    assert response.status_code in (403, 404)
    assert not AuditEvent.objects.filter(kind=Kind.DOWNLOAD).exists()


def test_audit_events_cannot_be_changed(member_user):
    event = audit.record(Kind.LOGIN, user=member_user)
    event.detail = "rewritten"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET kind = 'logout'")
    event.refresh_from_db()
    assert event.kind == Kind.LOGIN and event.detail == ""


def test_the_purge_deletes_only_old_audit_events(member_user, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old = audit.record(Kind.LOGIN, user=member_user)
    AuditEvent.objects.filter(pk=old.pk).delete()  # deletes are the purge's right
    AuditEvent.objects.create(
        kind=Kind.LOGIN, occurred_at=timezone.now() - datetime.timedelta(days=31)
    )
    recent = AuditEvent.objects.create(
        kind=Kind.LOGIN, occurred_at=timezone.now() - datetime.timedelta(days=29)
    )
    from actors.tasks import purge_audit_events

    assert purge_audit_events.delay().get() == 1
    assert list(AuditEvent.objects.all()) == [recent]


def test_the_purge_keeps_notifications_not_yet_delivered(settings):
    from notifications.models import Channel, Notification
    from notifications.tasks import purge_old

    settings.NOTIFICATION_RETENTION_DAYS = 10
    long_ago = timezone.now() - datetime.timedelta(days=11)
    rows = {
        status: Notification.objects.create(
            dedupe_key=f"purge-{status}",
            channel=Channel.EMAIL,
            kind="test",
            address="a@example.org",
            subject="S",
            body="B",
            reason="R",
            status=status,
        )
        for status in ("sent", "failed", "pending", "sending")
    }
    Notification.objects.filter(pk__in=[n.pk for n in rows.values()]).update(created_at=long_ago)
    fresh = Notification.objects.create(
        dedupe_key="fresh",
        channel=Channel.EMAIL,
        kind="t",
        subject="S",
        body="B",
        reason="R",
        status="sent",
    )
    assert purge_old.delay().get() == 2
    left = set(Notification.objects.values_list("pk", flat=True))
    assert left == {rows["pending"].pk, rows["sending"].pk, fresh.pk}


def test_the_beat_schedule_runs_both_purges(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"actors.tasks.purge_audit_events", "notifications.tasks.purge_old"} <= tasks


def test_the_person_page_offers_the_reset_of_a_lost_phone(secretariat, member, member_user):
    TOTPDevice.objects.create(user=member_user, name="app", confirmed=True)
    url = reverse("actors:person_detail", args=[member_user.person.pk])
    page = secretariat.get(url).content.decode()
    assert reverse("two_factor_reset", args=[member_user.pk]) in page
    assert (
        reverse("two_factor_reset", args=[member_user.pk]) not in member.get(url).content.decode()
    )
    response = secretariat.post(reverse("two_factor_reset", args=[member_user.pk]), {"next": url})
    assert response["Location"] == url
    assert "Inte aktiverad" in secretariat.get(url).content.decode()
