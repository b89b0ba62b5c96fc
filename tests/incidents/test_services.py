import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from forums.models import Mode
from incidents import selectors, services
from incidents.models import (
    ActorStatus,
    Incident,
    JointMessage,
    LogEntry,
    Signal,
    SituationReport,
)
from tests.factories import ActorFactory
from tests.incidents.conftest import report

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


# --- Reports --------------------------------------------------------------------------------


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
