"""What the portal calls locked or append-only is read-only in the admin too, even for a
superuser: no editable field, no save, no delete (one by one or in bulk), no restored history
version, read-only inlines, and nothing added into a locked record. A walk over the admin's
registry makes sure every model protected by an append-only trigger (and every model the
services lock) has that behaviour, so a model registered later without it fails here."""

import datetime

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.admin import LockedRecordAdminMixin
from forums import services as forum_services
from forums.models import ActionItem, Attendance, Meeting, MinutesRecipient
from incidents import services as incident_services
from planning import services as planning_services
from planning.models import GoalArea
from tests.conftest import verified_login
from tests.factories import MeetingFactory, SeatFactory, UserFactory
from tests.incidents.conftest import incident, prepared, rsib  # noqa: F401  (shared fixtures)
from tests.planning.conftest import (  # noqa: F401  (shared fixtures)
    chefsgrupp,
    contact_function,
    goals,
    planning_settings,
    radet,
)

pytestmark = pytest.mark.django_db

PAST = (timezone.now() - datetime.timedelta(days=30)).replace(
    hour=9, minute=0, second=0, microsecond=0
)

# Tables with an append-only trigger (actors/append_only.py; migrations actors 0004, forums 0003,
# incidents 0004, membership 0004, planning 0002). Found in the database by the walk; listed
# here so that a change in how the triggers are named cannot make the walk find none.
KNOWN_PROTECTED = {
    "actors_auditevent",
    "forums_minutes",
    "incidents_situationreport",
    "incidents_logentry",
    "incidents_situationpicture",
    "incidents_conferenceprotocol",
    "membership_invoice",
    "membership_invoiceline",
    "planning_activityreport",
    "planning_goalperiodversion",
}

# Locked by the services, not (or not only) by a trigger: everything of a meeting with approved
# minutes, adopted goals and plans, and the incident record, which changes only through services.
LOCKED_BY_THE_PORTAL = {
    "forums.meeting",
    "forums.agendaitem",
    "forums.attachment",
    "forums.attendance",
    "forums.decision",
    "forums.actionitem",
    "forums.minutesrecipient",
    "incidents.incident",
    "incidents.direction",
    "incidents.directionacknowledgement",
    "incidents.jointmessage",
    "incidents.jointmessagesender",
    "planning.goalarea",
    "planning.operationalplan",
    "planning.activity",
}

# Fields the portal itself still changes on a locked record.
MUTABLE = {"forums.actionitem": {"status"}}


@pytest.fixture
def superuser(db) -> Client:
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    return verified_login(Client(), user)


@pytest.fixture
def locked(
    forum,
    seat,
    holder,
    secretariat_user,
    incident,  # noqa: F811
    rsib,  # noqa: F811
    goals,  # noqa: F811
    planning_settings,  # noqa: F811
    chefsgrupp,  # noqa: F811
) -> dict:
    """One locked object of every model the admin must keep read-only, by model label."""
    meeting = Meeting.objects.create(
        forum=forum,
        title="Månadsmöte",
        starts_at=PAST,
        ends_at=PAST + datetime.timedelta(hours=2),
        location="Länsstyrelsen",
    )
    item = forum_services.agenda_item_add(meeting=meeting, title="Lägesbild")
    attachment = forum_services.attachment_add(
        meeting=meeting,
        upload=SimpleUploadedFile("underlag.txt", b"Underlag"),
        sharing_level="forum",
        agenda_item=item,
    )
    forum_services.attendance_record(meeting=meeting, entries={seat.pk: ("present", "Hanna")})
    decision = forum_services.decision_add(meeting=meeting, text="Att notera.", agenda_item=item)
    action = forum_services.action_item_add(meeting=meeting, title="Ta fram plan", owner=seat.actor)
    minutes = forum_services.minutes_generate(meeting=meeting)
    forum_services.minutes_approve(minutes=minutes, approved_by=secretariat_user)

    plan = planning_services.plan_create(year=2025, summary="Årets plan")
    activity = planning_services.activity_save(
        plan=plan,
        goal_area=goals.areas.first(),
        title="Workshop",
        starts_on=datetime.date(2025, 2, 1),
        ends_on=datetime.date(2025, 5, 31),
    )
    planning_services.plan_adopt(plan=plan, meeting=MeetingFactory(forum=chefsgrupp), text="Antas.")

    direction = incident_services.direction_issue(incident=incident, text="Prioritera.", by=rsib)
    message = incident_services.message_draft(
        incident=incident,
        target_group="Allmänheten",
        channel="Webb",
        text="Undvik resor.",
        senders=[seat.actor],
        by=secretariat_user,
    )
    from incidents.conferences import services as conference_services
    from tests.incidents.conferences.conftest import begun, schedule

    conference = schedule(incident, rsib, forum)[0]
    protocol = conference_services.conference_close(conference=begun(conference), by=rsib)
    return {
        "forums.meeting": meeting,
        "forums.attachment": attachment,
        "forums.attendance": Attendance.objects.get(meeting=meeting),
        "forums.decision": decision,
        "forums.actionitem": action,
        "forums.minutes": minutes,
        "forums.minutesrecipient": MinutesRecipient.objects.filter(minutes=minutes).first(),
        "planning.goalperiodversion": goals,
        "planning.goalarea": goals.areas.first(),
        "planning.operationalplan": plan,
        "planning.activity": activity,
        "incidents.incident": incident,
        "incidents.direction": direction,
        "incidents.jointmessage": message,
        "incidents.conferenceprotocol": protocol,
    }


CASES = [
    "forums.meeting",
    "forums.attachment",
    "forums.attendance",
    "forums.decision",
    "forums.actionitem",
    "forums.minutes",
    "forums.minutesrecipient",
    "planning.goalperiodversion",
    "planning.goalarea",
    "planning.operationalplan",
    "planning.activity",
    "incidents.incident",
    "incidents.direction",
    "incidents.jointmessage",
    "incidents.conferenceprotocol",
]


def _url(obj, view: str, *args) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args])


def _state(obj) -> dict:
    current = type(obj)._default_manager.get(pk=obj.pk)
    state = {f.attname: getattr(current, f.attname) for f in current._meta.concrete_fields}
    for f in current._meta.many_to_many:
        state[f.name] = sorted(getattr(current, f.name).values_list("pk", flat=True))
    return state


def _changed_data(obj) -> dict:
    """The object's admin form data with every free text changed: what an attempt to rewrite it
    would post."""
    data: dict = {"_save": "Spara"}
    for f in [*obj._meta.concrete_fields, *obj._meta.many_to_many]:
        if not f.editable or f.primary_key:
            continue
        if f.many_to_many:
            data[f.name] = [related.pk for related in getattr(obj, f.name).all()]
            continue
        value = f.value_from_object(obj)
        if value is None or isinstance(value, FieldFile):
            continue
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value)
            data[f"{f.name}_0"], data[f"{f.name}_1"] = local.date(), local.time()
        elif isinstance(f, models.CharField | models.TextField) and not f.choices:
            data[f.name] = f"{value} (ändrat)"
        else:
            data[f.name] = value
    return data


@pytest.mark.parametrize("label", CASES)
def test_a_locked_record_is_read_only_in_the_admin(label, locked, superuser):
    obj = locked[label]
    mutable = MUTABLE.get(label, set())
    before = _state(obj)

    page = superuser.get(_url(obj, "change"))
    assert page.status_code == 200
    assert set(page.context["adminform"].form.fields) <= mutable
    if not mutable:
        assert b'name="_save"' not in page.content
    for inline in page.context["inline_admin_formsets"]:
        assert not inline.has_add_permission
        assert not inline.has_change_permission
        assert not inline.has_delete_permission

    response = superuser.post(_url(obj, "change"), _changed_data(obj))
    assert response.status_code in ((302,) if mutable else (403,))

    assert superuser.get(_url(obj, "delete")).status_code == 403
    assert superuser.post(_url(obj, "delete"), {"post": "yes"}).status_code == 403
    opts = obj._meta
    superuser.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )

    if hasattr(type(obj), "history"):
        first = obj.history.order_by("history_id").first()
        revert = _url(obj, "simple_history", first.history_id)
        assert superuser.post(revert, _changed_data(obj)).status_code == 403

    assert _state(obj) == before


def test_only_the_follow_up_status_of_a_locked_action_item_changes(locked, superuser):
    action = locked["forums.actionitem"]
    data = _changed_data(action) | {"status": ActionItem.Status.DONE}
    assert superuser.post(_url(action, "change"), data).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE
    assert action.title == "Ta fram plan"


def test_a_draft_minutes_meeting_stays_editable_in_the_admin(forum, superuser):
    meeting = MeetingFactory(forum=forum)
    forum_services.minutes_generate(meeting=meeting)
    decision = forum_services.decision_add(meeting=meeting, text="Första lydelsen.")
    page = superuser.get(_url(meeting, "change"))
    assert "title" in page.context["adminform"].form.fields
    assert all(i.has_add_permission for i in page.context["inline_admin_formsets"])
    response = superuser.post(_url(decision, "change"), {"text": "Rättad lydelse.", "_save": "1"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.text == "Rättad lydelse."


def test_nothing_is_added_into_a_locked_record_from_the_admin(locked, forum, superuser):
    meeting = locked["forums.meeting"]
    other_seat = SeatFactory(forum=forum)
    response = superuser.post(
        reverse("admin:forums_attendance_add"),
        {"meeting": meeting.pk, "seat": other_seat.pk, "status": "present", "attendee": "X"},
    )
    assert response.status_code == 200
    assert "låst" in response.content.decode()
    assert not Attendance.objects.filter(seat=other_seat).exists()

    version = locked["planning.goalperiodversion"]
    response = superuser.post(
        reverse("admin:planning_goalarea_add"),
        {"version": version.pk, "position": 9, "name": "Nytt område", "goal_statement": "Mål."},
    )
    assert response.status_code == 200
    assert not GoalArea.objects.filter(name="Nytt område").exists()


def test_an_unlocked_record_cannot_be_moved_into_a_locked_one(locked, forum, superuser):
    """Attendance of an open meeting re-pointed at the approved meeting would change its record."""
    open_meeting = MeetingFactory(forum=forum)
    seat = SeatFactory(forum=forum)
    attendance = Attendance.objects.create(meeting=open_meeting, seat=seat, status="present")
    response = superuser.post(
        _url(attendance, "change"),
        {"meeting": locked["forums.meeting"].pk, "seat": seat.pk, "status": "present"},
    )
    assert response.status_code == 200
    attendance.refresh_from_db()
    assert attendance.meeting == open_meeting


# --- The walk -------------------------------------------------------------------------------


def _protected_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal "
            "AND (t.tgname LIKE '%append_only%' OR p.proname = 'ssr_refuse_change')"
        )
        return {row[0] for row in cursor.fetchall()}


def test_every_protected_or_locked_model_in_the_admin_is_read_only_when_locked():
    protected = _protected_tables()
    assert protected >= KNOWN_PROTECTED

    def is_locked_model(model) -> bool:
        return model._meta.db_table in protected or model._meta.label_lower in LOCKED_BY_THE_PORTAL

    missing = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if is_locked_model(model):
            if not isinstance(model_admin, LockedRecordAdminMixin):
                missing.append(f"{label}: its admin lacks LockedRecordAdminMixin")
            if label not in CASES:
                missing.append(f"{label}: add a locked object to CASES in this file")
        for inline in model_admin.inlines:
            if is_locked_model(inline.model) and not isinstance(
                model_admin, LockedRecordAdminMixin
            ):
                missing.append(f"{label}: inline of {inline.model._meta.label_lower}")
    assert missing == []
