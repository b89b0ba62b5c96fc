"""The audit trail: events are recorded, cannot be changed, are searchable and purged."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import audit
from core.models import AuditEvent
from forums import services as forum_services
from tests.factories import AssignmentFactory, MeetingFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
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
    secretariat.post(reverse("two_factor_reset", args=[member_user.pk]), {"password": PASSWORD})
    event = AuditEvent.objects.get(kind=Kind.OTP_RESET)
    assert event.subject_user == member_user and event.user == secretariat_user
    assert not TOTPDevice.objects.filter(user=member_user).exists()


def test_reset_does_not_redirect_off_site(secretariat, member_user):
    response = secretariat.post(
        reverse("two_factor_reset", args=[member_user.pk]),
        {"next": "https://evil.example/", "password": PASSWORD},
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
    with pytest.raises(DatabaseError), transaction.atomic():  # deletes are the purge's right
        AuditEvent.objects.filter(pk=old.pk).delete()
    AuditEvent.objects.create(
        kind=Kind.LOGIN, occurred_at=timezone.now() - datetime.timedelta(days=31)
    )
    recent = AuditEvent.objects.create(
        kind=Kind.LOGIN, occurred_at=timezone.now() - datetime.timedelta(days=29)
    )
    from core.tasks import purge_audit_events

    assert purge_audit_events.delay().get() == 1
    # The 31-day-old one is gone; the other two are younger than the retention.
    assert set(AuditEvent.objects.all()) == {recent, old}


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
    assert {"core.tasks.purge_audit_events", "notifications.tasks.purge_old"} <= tasks


def test_the_person_page_offers_the_reset_of_a_lost_phone(secretariat, member, member_user):
    TOTPDevice.objects.create(user=member_user, name="app", confirmed=True)
    url = reverse("actors:person_detail", args=[member_user.person.pk])
    page = secretariat.get(url).content.decode()
    assert reverse("two_factor_reset", args=[member_user.pk]) in page
    assert (
        reverse("two_factor_reset", args=[member_user.pk]) not in member.get(url).content.decode()
    )
    response = secretariat.post(
        reverse("two_factor_reset", args=[member_user.pk]), {"next": url, "password": PASSWORD}
    )
    assert response["Location"] == url
    assert "Inte aktiverad" in secretariat.get(url).content.decode()


# --- Groups and permissions -----------------------------------------------------------------


def _last_pk() -> int:
    last = AuditEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


def _membership_events(after: int = 0):
    """Group and permission events written after the event ``after`` (the trail is append-only:
    a test cannot delete what its fixtures recorded)."""
    kinds = (
        Kind.GROUP_ADDED,
        Kind.GROUP_REMOVED,
        Kind.PERMISSION_GRANTED,
        Kind.PERMISSION_WITHDRAWN,
        Kind.GROUP_PERMISSION_GRANTED,
        Kind.GROUP_PERMISSION_WITHDRAWN,
    )
    return list(AuditEvent.objects.filter(kind__in=kinds, pk__gt=after).order_by("pk"))


def _view_forum():
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="forums", codename="view_forum")


def test_group_changes_through_the_orm_are_recorded_one_per_user_and_group(member_user):
    from django.contrib.auth.models import Group

    editors, readers = Group.objects.create(name="Redaktörer"), Group.objects.create(name="Läsare")
    other = UserFactory(username="otto")
    member_user.groups.add(editors, readers)
    editors.user_set.add(other)  # the reverse side too
    member_user.groups.remove(editors)
    member_user.groups.remove(editors)  # not a member any more: nothing to record
    readers.user_set.clear()  # maja only
    events = _membership_events()
    assert [(e.kind, e.subject_user.username, e.detail) for e in events] == [
        (Kind.GROUP_ADDED, "maja", "Redaktörer"),
        (Kind.GROUP_ADDED, "maja", "Läsare"),
        (Kind.GROUP_ADDED, "otto", "Redaktörer"),
        (Kind.GROUP_REMOVED, "maja", "Redaktörer"),
        (Kind.GROUP_REMOVED, "maja", "Läsare"),
    ]
    added = events[0]
    assert added.object_id == str(editors.pk) and added.object_repr == "Redaktörer"
    assert added.user is None and added.username == "" and added.ip_address is None


def test_clearing_a_users_groups_records_each_group_it_took(member_user):
    from django.contrib.auth.models import Group

    groups = [Group.objects.create(name=name) for name in ("A", "B")]
    member_user.groups.add(*groups)
    before = _last_pk()
    member_user.groups.clear()
    events = _membership_events(before)
    assert sorted((e.kind, e.detail) for e in events) == [
        (Kind.GROUP_REMOVED, "A"),
        (Kind.GROUP_REMOVED, "B"),
    ]


def test_model_permissions_of_users_and_groups_are_recorded(member_user):
    from django.contrib.auth.models import Group

    permission = _view_forum()
    member_user.user_permissions.add(permission)
    member_user.user_permissions.remove(permission)
    group = Group.objects.create(name="Granskare")
    group.permissions.add(permission)
    permission.group_set.remove(group)
    events = _membership_events()
    assert [(e.kind, e.detail) for e in events] == [
        (Kind.PERMISSION_GRANTED, "forums.view_forum"),
        (Kind.PERMISSION_WITHDRAWN, "forums.view_forum"),
        (Kind.GROUP_PERMISSION_GRANTED, "forums.view_forum"),
        (Kind.GROUP_PERMISSION_WITHDRAWN, "forums.view_forum"),
    ]
    assert events[0].subject_user == member_user and events[0].object_id == str(permission.pk)
    assert events[2].subject_user is None
    assert (events[2].object_id, events[2].object_repr) == (str(group.pk), "Granskare")


def _admin_user_form(user, *, groups=(), permissions=()) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [g.pk for g in groups],
        "user_permissions": [p.pk for p in permissions],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        "_save": "Spara",
    }


def test_group_and_permission_changes_in_the_admin_name_who_made_them(member_user):
    from django.contrib.auth.models import Group

    from tests.conftest import verified_login

    admin_user = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = verified_login(Client(REMOTE_ADDR="192.0.2.44"), admin_user)
    group = Group.objects.create(name="Sekretariatet")
    url = reverse("admin:auth_user_change", args=[member_user.pk])
    before = _last_pk()

    form = _admin_user_form(member_user, groups=[group], permissions=[_view_forum()])
    assert client.post(url, form).status_code == 302
    events = _membership_events(before)
    assert [(e.kind, e.detail) for e in events] == [
        (Kind.GROUP_ADDED, "Sekretariatet"),
        (Kind.PERMISSION_GRANTED, "forums.view_forum"),
    ]
    for event in events:
        assert event.user == admin_user and event.username == "root"
        assert event.subject_user == member_user and event.ip_address == "192.0.2.44"

    before = _last_pk()
    assert client.post(url, _admin_user_form(member_user)).status_code == 302
    assert [(e.kind, e.detail, e.user) for e in _membership_events(before)] == [
        (Kind.GROUP_REMOVED, "Sekretariatet", admin_user),
        (Kind.PERMISSION_WITHDRAWN, "forums.view_forum", admin_user),
    ]
    assert not member_user.groups.exists()


# --- Calendars ------------------------------------------------------------------------------


def test_a_meeting_ics_download_is_recorded(forum, holder, holder_client, outsider_client):
    meeting = MeetingFactory(forum=forum)
    url = reverse("forums:meeting_ics", args=[meeting.pk])
    assert outsider_client.get(url).status_code == 404
    assert holder_client.get(url).status_code == 200
    event = AuditEvent.objects.get(kind=Kind.CALENDAR_DOWNLOADED)
    assert event.user == holder and event.object_id == str(meeting.pk)
    assert event.detail == url


def test_calendar_feed_fetches_are_recorded_per_address_and_hour(forum, holder):
    from forums.models import CalendarFeed

    MeetingFactory(forum=forum)
    feed = CalendarFeed.objects.create(user=holder, token="f" * 43)
    url = reverse("forums:calendar_feed", args=[feed.token])
    assert Client().get(reverse("forums:calendar_feed", args=["nope"])).status_code == 404
    assert not AuditEvent.objects.filter(kind=Kind.CALENDAR_FEED_FETCHED).exists()

    calendar_app = Client(REMOTE_ADDR="198.51.100.2", HTTP_USER_AGENT="Kalender/1.0")
    assert calendar_app.get(url).status_code == 200
    assert calendar_app.get(url).status_code == 200  # the next poll: same address, same hour
    [event] = AuditEvent.objects.filter(kind=Kind.CALENDAR_FEED_FETCHED)
    assert event.subject_user == holder and event.user is None and event.username == ""
    assert event.ip_address == "198.51.100.2" and event.detail == "Kalender/1.0"
    assert feed.token not in event.detail + event.object_repr  # the secret stays out

    assert Client(REMOTE_ADDR="203.0.113.9").get(url).status_code == 200  # somewhere else
    assert AuditEvent.objects.filter(kind=Kind.CALENDAR_FEED_FETCHED).count() == 2


def test_a_calendar_feed_fetch_is_recorded_again_after_an_hour(holder):
    from forums.models import CalendarFeed

    feed = CalendarFeed.objects.create(user=holder, token="g" * 43)
    AuditEvent.objects.create(
        kind=Kind.CALENDAR_FEED_FETCHED,
        subject_user=holder,
        ip_address="198.51.100.2",
        occurred_at=timezone.now() - datetime.timedelta(minutes=61),
    )
    client = Client(REMOTE_ADDR="198.51.100.2")
    assert client.get(reverse("forums:calendar_feed", args=[feed.token])).status_code == 200
    assert AuditEvent.objects.filter(kind=Kind.CALENDAR_FEED_FETCHED).count() == 2
