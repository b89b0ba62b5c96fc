import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from forums.models import Mode
from incidents import selectors, services
from incidents.models import (
    ActorStatus,
    Incident,
    JointMessage,
    LogEntry,
    Signal,
    SituationPicture,
    SituationReport,
)
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)


# --- Activation -----------------------------------------------------------------------------


def test_a_signal_leads_to_activation(member_user, rsib, forum, seat, holder):
    signal = services.signal_create(
        actor=member_user.person.actor,
        signalled_by=member_user,
        what="Storm med omfattande elavbrott",
        assessment="Behov av samordnad lägesbild",
        is_exercise=True,
    )
    incident = services.incident_activate(
        activated_by=rsib, title="Storm", forums=[forum], signal=signal
    )
    signal.refresh_from_db()
    assert signal.status == Signal.Status.ACTIVATED and signal.incident == incident
    assert incident.is_exercise  # the signal said exercise


def test_activation_switches_forums_alerts_actors_and_grants_access(
    incident, forum, seat, holder, deputy, outsider
):
    forum.refresh_from_db()
    assert forum.mode == Mode.ACTIVATED and forum.current_name == "Samordnande forum"
    statuses = selectors.current_statuses(incident)
    assert statuses[seat.actor_id].status == ActorStatus.Status.ALERTED
    assert selectors.can_view_incident(fresh(holder), incident)
    assert selectors.can_view_incident(fresh(deputy), incident)
    assert not selectors.can_view_incident(fresh(outsider), incident)
    assert LogEntry.objects.filter(incident=incident, kind="activated").exists()


def test_only_the_rsib_on_duty_or_the_secretariat_activates(
    forum, holder, rsib_off, secretariat_user
):
    with pytest.raises(ValidationError, match="RSIB"):
        services.incident_activate(activated_by=rsib_off, title="X", forums=[forum])
    with pytest.raises(ValidationError):
        services.incident_activate(activated_by=holder, title="X", forums=[forum])
    assert not Incident.objects.exists()
    services.incident_activate(activated_by=secretariat_user, title="X", forums=[forum])


def test_the_prepared_direction_is_copied_not_linked(incident, prepared):
    prepared.action_plan = "Ny plan"
    prepared.save()
    incident.refresh_from_db()
    assert incident.action_plan.startswith("1. Samla samordnande forum.")
    assert incident.event_type == prepared.event_type


def test_deactivation_returns_forums_and_refuses_twice(incident, forum, rsib):
    services.incident_deactivate(incident=incident, by=rsib)
    forum.refresh_from_db()
    assert forum.mode == Mode.ORDINARY
    with pytest.raises(ValidationError, match="aktiverad"):
        services.incident_deactivate(incident=incident, by=rsib)


def test_follow_up_only_after_deactivation(incident, rsib, seat, prepared):
    with pytest.raises(ValidationError):
        services.incident_follow_up(incident=incident, by=rsib, evaluation="Bra")
    services.incident_deactivate(incident=incident, by=rsib)
    follow_up = services.incident_follow_up(
        incident=incident,
        by=rsib,
        evaluation="Samverkan fungerade.",
        lessons="Lägesbilden kom sent.",
        actions=[
            {"title": "Se över rapportrytmen", "owner": seat.actor, "prepared_direction": prepared}
        ],
    )
    incident.refresh_from_db()
    assert incident.status == Incident.Status.FOLLOWED_UP
    assert prepared.lessons.get() == follow_up.actions.get()


def test_access_follows_a_new_seat_holder(incident, actor_function, holder):
    from actors import services as actor_services
    from tests.factories import PersonFactory, UserFactory

    newcomer = PersonFactory(user=UserFactory(username="ny"))
    actor_services.assignment_create(
        actor_function=actor_function,
        person=newcomer,
        role="deputy",
        starts_on=timezone.localdate(),
    )
    assert selectors.can_view_incident(fresh(newcomer.user), incident)


# --- Reports and the picture ----------------------------------------------------------------


def report(incident, actor, user, **extra):
    fields = {"situation": "Elavbrott i södra kommundelen", "impact": "strained", **extra}
    return services.report_submit(incident=incident, actor=actor, submitted_by=user, **fields)


def test_reports_are_versioned_never_edited(incident, seat, holder):
    first = report(incident, seat.actor, holder)
    second = report(incident, seat.actor, holder, impact="severe", situation="Värre")
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.impact == "strained"
    assert list(selectors.latest_reports(incident)) == [second]


def test_a_member_reports_only_for_their_own_actor(incident, holder):
    other = ActorFactory()
    with pytest.raises(ValidationError, match="egen aktör"):
        report(incident, other, holder)
    assert not SituationReport.objects.exists()


def test_no_reports_after_deactivation(incident, seat, holder, rsib):
    services.incident_deactivate(incident=incident, by=rsib)
    with pytest.raises(ValidationError):
        report(incident, seat.actor, holder)


def test_missing_reports_are_tracked_against_the_rhythm(incident, seat, holder):
    start = incident.activated_at
    with time_machine.travel(start + datetime.timedelta(minutes=30)):
        [row] = selectors.reporting_overview(incident)
        assert row.report is None and not row.overdue
    with time_machine.travel(start + datetime.timedelta(minutes=61)):
        [row] = selectors.reporting_overview(incident)
        assert row.overdue
        report(incident, seat.actor, holder)
        [row] = selectors.reporting_overview(incident)
        assert not row.overdue
    with time_machine.travel(start + datetime.timedelta(minutes=125)):
        [row] = selectors.reporting_overview(incident)
        assert row.overdue


def test_publishing_versions_per_audience_with_a_frozen_snapshot(
    incident, seat, holder, rsib, django_capture_on_commit_callbacks
):
    report(incident, seat.actor, holder)
    with django_capture_on_commit_callbacks(execute=True):
        v1 = services.picture_publish(
            incident=incident, audience="full", summary="Läget är ansträngt.", published_by=rsib
        )
    services.picture_publish(
        incident=incident, audience="short", summary="Kort.", published_by=rsib
    )
    report(incident, seat.actor, holder, impact="critical", situation="Kritiskt")
    v2 = services.picture_publish(
        incident=incident, audience="full", summary="Kritiskt läge.", published_by=rsib
    )

    assert (v1.version, v2.version) == (1, 2)
    assert v1.actor_snapshot[0]["impact"] == "strained"
    assert v2.actor_snapshot[0]["impact"] == "critical"
    assert set(selectors.latest_pictures(incident)) == {"full", "short"}
    assert [r.version for r in selectors.reports_since(incident, v1.published_at)] == [2]

    v1.refresh_from_db()
    pages = PdfReader(io.BytesIO(v1.pdf.read())).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert "Läget är ansträngt." in text
    published = timezone.localtime(v1.published_at).strftime("%Y-%m-%d %H:%M")
    for page in pages:
        page_text = page.extract_text()
        assert "Version 1" in page_text and published in page_text
        assert "Delningsnivå: Endast detta forum" in page_text


def test_only_the_coordinator_publishes(incident, holder):
    with pytest.raises(ValidationError):
        services.picture_publish(
            incident=incident, audience="full", summary="X", published_by=holder
        )
    assert not SituationPicture.objects.exists()


def test_pdf_task_is_idempotent(incident, rsib):
    from incidents.tasks import render_picture_pdf

    picture = services.picture_publish(
        incident=incident, audience="full", summary="Sammanfattning", published_by=rsib
    )
    first = render_picture_pdf(picture.pk)
    second = render_picture_pdf(picture.pk)
    assert first == second and first.endswith(".pdf")
    assert render_picture_pdf(999999) == ""


# --- Directions and messages ----------------------------------------------------------------


def test_directions_are_acknowledged_once_per_actor(incident, seat, holder, deputy, rsib):
    direction = services.direction_issue(
        incident=incident, text="Prioritera elförsörjning till vård.", by=rsib
    )
    services.direction_acknowledge(direction=direction, actor=seat.actor, by=holder)
    with pytest.raises(ValidationError, match="redan"):
        services.direction_acknowledge(direction=direction, actor=seat.actor, by=deputy)
    assert direction.acknowledgements.count() == 1


def test_a_joint_message_needs_every_cosignature_before_approval(
    incident, seat, holder, rkk, secretariat_user
):
    police = ActorFactory(name="Polisen")
    message = services.message_draft(
        incident=incident,
        target_group="Allmänheten",
        channel="Webb",
        text="Undvik resor.",
        senders=[seat.actor, police],
        by=rkk,
    )
    services.message_cosign(message=message, actor=seat.actor, by=holder)
    with pytest.raises(ValidationError, match="Polisen"):
        services.message_approve(message=message, by=rkk)
    with pytest.raises(ValidationError):
        services.message_publish(message=message, by=rkk)
    with pytest.raises(ValidationError):  # the RKK does not sign for the police
        services.message_cosign(message=message, actor=police, by=rkk)
    services.message_cosign(message=message, actor=police, by=secretariat_user)
    services.message_approve(message=message, by=rkk)
    services.message_publish(message=message, by=rkk)
    message.refresh_from_db()
    assert message.status == JointMessage.Status.PUBLISHED
    with pytest.raises(ValidationError):
        services.message_cosign(message=message, actor=seat.actor, by=holder)


def test_register_keeps_exercises_out_of_the_counts(forum, rsib, secretariat):
    services.incident_activate(activated_by=rsib, title="Övning", forums=[forum], is_exercise=True)
    services.incident_activate(activated_by=rsib, title="Skarp", forums=[forum])
    from django.urls import reverse

    page = secretariat.get(reverse("incidents:register")).content.decode()
    assert "Skarp" in page and "Övning" in page
    response = secretariat.get(reverse("incidents:register"))
    assert sum(count for _key, count in response.context["counts"]) == 1


def test_the_picture_carries_directions_and_published_messages(incident, seat, holder, rsib, rkk):
    services.direction_issue(incident=incident, text="Prioritera vård och omsorg.", by=rsib)
    message = services.message_draft(
        incident=incident,
        target_group="Allmänheten",
        channel="Webb",
        text="Spara vatten.",
        senders=[seat.actor],
        by=rkk,
    )
    draft_only = services.picture_publish(
        incident=incident, audience="full", summary="A", published_by=rsib
    )
    services.message_cosign(message=message, actor=seat.actor, by=holder)
    services.message_approve(message=message, by=rkk)
    services.message_publish(message=message, by=rkk)
    picture = services.picture_publish(
        incident=incident, audience="full", summary="B", published_by=rsib
    )
    assert [d["text"] for d in picture.directions_snapshot] == ["Prioritera vård och omsorg."]
    assert draft_only.messages_snapshot == []
    assert [m["text"] for m in picture.messages_snapshot] == ["Spara vatten."]
