import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from incidents import services as incident_services
from incidents.models import FollowUpAction
from planning import services
from planning.models import (
    Activity,
    ActivityReport,
    ActivityStatus,
    GoalArea,
    GoalPeriodVersion,
    LessonAction,
    MinimumLevel,
    OperationalPlan,
    SelfAssessment,
)
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _plan(goals, year=2025):
    return services.plan_create(year=year, summary="Årets plan")


def _activity(plan, **extra):
    data = {
        "goal_area": plan.goal_version.areas.first(),
        "title": "Workshop om säker informationsdelning",
        "starts_on": datetime.date(2025, 2, 1),
        "ends_on": datetime.date(2025, 5, 31),
    }
    data.update(extra)
    return services.activity_save(plan=plan, **data)


# --- Goals ----------------------------------------------------------------------------------


def test_revising_goals_keeps_the_earlier_version(goals, secretariat_user):
    area = goals.areas.get(name="Säker informationsdelning")
    draft = services.goal_version_revise(
        period=goals.period, by=secretariat_user, change_note="Översyn inför 2025 (avsnitt 2.10)."
    )
    assert draft.number == 2 and draft.is_draft
    copied = draft.areas.get(name=area.name)
    assert copied.previous == area and not copied.changed_from_previous

    services.goal_area_save(
        version=draft, instance=copied, goal_statement="Skärpt säkerhetskultur med avtal."
    )
    services.goal_version_adopt(version=draft, adopted_on=datetime.date(2024, 12, 10))

    area.refresh_from_db()
    assert area.goal_statement == "Gemensam säkerhetskultur."  # the first version is untouched
    assert services.version_in_force(goals.period) == draft
    assert draft.areas.get(name=area.name).changed_from_previous
    assert goals.period.versions.count() == 2


def test_an_adopted_version_cannot_be_edited(goals, secretariat_user):
    with pytest.raises(ValidationError, match="påbörja en revidering"):
        services.goal_area_save(version=goals, instance=goals.areas.first(), name="Nytt namn")


def test_an_adopted_version_is_frozen_in_the_database(goals):
    with pytest.raises(IntegrityError), transaction.atomic():
        GoalPeriodVersion.objects.filter(pk=goals.pk).update(overall_goal="Ändrat i efterhand")
    with pytest.raises(IntegrityError), transaction.atomic():
        GoalPeriodVersion.objects.filter(pk=goals.pk).delete()


def test_only_one_revision_in_draft_at_a_time(goals, secretariat_user):
    services.goal_version_revise(period=goals.period, by=secretariat_user, change_note="Översyn")
    with pytest.raises(ValidationError, match="finns redan som utkast"):
        services.goal_version_revise(period=goals.period, by=secretariat_user, change_note="Igen")


# --- The operational plan -------------------------------------------------------------------


def test_a_plan_follows_the_goals_in_force_for_its_year(goals):
    plan = _plan(goals)
    assert plan.goal_version == goals
    with pytest.raises(ValidationError, match="redan en verksamhetsplan för 2025"):
        services.plan_create(year=2025)
    with pytest.raises(ValidationError, match="Ingen antagen målbild omfattar 2031"):
        services.plan_create(year=2031)


def test_an_activity_ending_before_it_starts_is_refused(goals):
    plan = _plan(goals)
    with pytest.raises(ValidationError) as caught:
        _activity(plan, starts_on=datetime.date(2025, 6, 1), ends_on=datetime.date(2025, 5, 1))
    assert "Slutdatumet kan inte vara före startdatumet" in str(caught.value)
    assert not Activity.objects.exists()


def test_the_database_refuses_an_activity_ending_before_it_starts(goals):
    plan = _plan(goals)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(
            plan=plan,
            goal_area=goals.areas.first(),
            title="Baklänges",
            starts_on=datetime.date(2025, 6, 1),
            ends_on=datetime.date(2025, 5, 1),
        )


def test_an_activity_must_use_a_goal_area_of_the_plans_goals(goals, secretariat_user):
    plan = _plan(goals)
    draft = services.goal_version_revise(period=goals.period, by=secretariat_user, change_note="x")
    with pytest.raises(ValidationError, match="den målbild planen följer"):
        _activity(plan, goal_area=draft.areas.first())


def test_adoption_records_a_numbered_decision_at_the_chefsgrupp_meeting(
    goals, planning_settings, chefsgrupp
):
    plan = _plan(goals)
    _activity(plan)
    meeting = MeetingFactory(forum=chefsgrupp)
    services.plan_adopt(plan=plan, meeting=meeting, text="Verksamhetsplan 2025 antas.")
    plan.refresh_from_db()
    assert plan.status == OperationalPlan.Status.ADOPTED
    decision = plan.adoption_decision
    assert decision.forum == chefsgrupp and decision.meeting == meeting
    assert decision.reference == f"{decision.year}:1"
    assert list(meeting.decisions.all()) == [decision]


def test_only_the_adopting_forum_adopts_and_only_a_plan_with_activities(
    goals, planning_settings, radet, chefsgrupp
):
    plan = _plan(goals)
    with pytest.raises(ValidationError, match="utan aktiviteter"):
        services.plan_adopt(plan=plan, meeting=MeetingFactory(forum=chefsgrupp), text="x")
    _activity(plan)
    with pytest.raises(ValidationError, match="antas av Regional chefsgrupp"):
        services.plan_adopt(plan=plan, meeting=MeetingFactory(forum=radet), text="x")
    plan.refresh_from_db()
    assert plan.is_draft and plan.adoption_decision is None


def test_follow_up_reports_after_adoption_set_the_status_and_are_append_only(
    goals, planning_settings, chefsgrupp, secretariat_user
):
    plan = _plan(goals)
    activity = _activity(plan)
    with pytest.raises(ValidationError, match="när planen har antagits"):
        services.activity_report(
            activity=activity,
            by=secretariat_user,
            reported_on=datetime.date(2025, 3, 1),
            status=ActivityStatus.ONGOING,
            progress="Startat",
        )
    services.plan_adopt(plan=plan, meeting=MeetingFactory(forum=chefsgrupp), text="Antas.")
    report = services.activity_report(
        activity=activity,
        by=secretariat_user,
        reported_on=datetime.date(2025, 3, 1),
        status=ActivityStatus.ONGOING,
        progress="Två av tre workshoppar hållna.",
    )
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.ONGOING
    with pytest.raises(ValidationError, match="följs upp med rapporter"):
        services.activity_save(plan=plan, instance=activity, title="Nytt namn")
    with pytest.raises(DatabaseError), transaction.atomic():
        ActivityReport.objects.filter(pk=report.pk).update(progress="Ändrat")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM planning_activityreport WHERE id = %s", [report.pk])


def test_presented_only_to_the_presenting_forum(goals, planning_settings, chefsgrupp, radet):
    plan = _plan(goals)
    _activity(plan)
    services.plan_adopt(plan=plan, meeting=MeetingFactory(forum=chefsgrupp), text="Antas.")
    with pytest.raises(ValidationError, match="presenteras vid ett möte i Regionala rådet"):
        services.plan_present(plan=plan, meeting=MeetingFactory(forum=chefsgrupp))
    meeting = MeetingFactory(forum=radet)
    assert services.plan_present(plan=plan, meeting=meeting).presented_at == meeting


# --- Capabilities ---------------------------------------------------------------------------


def test_minimum_levels_outside_the_scale_are_refused(capabilities):
    with pytest.raises(ValidationError, match="från 1 till 5"):
        services.minimum_levels_set(year=2025, levels={capabilities[0].pk: 6})
    assert not MinimumLevel.objects.exists()


def test_assessing_without_a_minimum_level_for_the_year_is_refused(
    capabilities, huddinge, secretariat_user
):
    services.minimum_levels_set(year=2025, levels={capabilities[0].pk: 3})
    with pytest.raises(ValidationError) as caught:
        services.self_assessment_save(
            actor=huddinge,
            year=2025,
            by=secretariat_user,
            rows={capabilities[0].pk: {"level": 4}, capabilities[1].pk: {"level": 2}},
        )
    assert "saknar miniminivå för 2025" in str(caught.value)
    assert not SelfAssessment.objects.exists()  # all or nothing


def test_a_level_outside_the_scale_is_refused_and_nothing_is_stored(
    capabilities, huddinge, secretariat_user
):
    services.minimum_levels_set(year=2025, levels={s.pk: 3 for s in capabilities})
    with pytest.raises(ValidationError, match="heltal från 1 till 5"):
        services.self_assessment_save(
            actor=huddinge,
            year=2025,
            by=secretariat_user,
            rows={capabilities[0].pk: {"level": 4}, capabilities[1].pk: {"level": 0}},
        )
    assert not SelfAssessment.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfAssessment.objects.create(
            actor=huddinge,
            sub_capability=capabilities[0],
            year=2025,
            level=9,
            assessed_by=secretariat_user,
        )


def test_a_minimum_level_in_use_cannot_be_removed(capabilities, huddinge, secretariat_user):
    sub = capabilities[0]
    services.minimum_levels_set(year=2025, levels={sub.pk: 3})
    services.self_assessment_save(
        actor=huddinge, year=2025, by=secretariat_user, rows={sub.pk: {"level": 2}}
    )
    with pytest.raises(ValidationError, match="ändras men inte tas bort"):
        services.minimum_levels_set(year=2025, levels={sub.pk: None})
    assert services.minimum_levels_set(year=2025, levels={sub.pk: 4}) == 1


def test_clearing_a_level_takes_the_assessment_back(capabilities, huddinge, secretariat_user):
    sub = capabilities[0]
    services.minimum_levels_set(year=2025, levels={sub.pk: 3})
    services.self_assessment_save(
        actor=huddinge, year=2025, by=secretariat_user, rows={sub.pk: {"level": 2}}
    )
    services.self_assessment_save(
        actor=huddinge, year=2025, by=secretariat_user, rows={sub.pk: {"level": None}}
    )
    assert not SelfAssessment.objects.exists()
    assert SelfAssessment.history.filter(history_type="-").count() == 1


# --- Exercises, lessons, actions ------------------------------------------------------------


def test_only_an_exercise_incident_links_to_an_exercise(incident, rsib, secretariat_user, forum):
    exercise = services.exercise_save(
        title="Övning Storm",
        starts_on=datetime.date(2025, 3, 1),
        ends_on=datetime.date(2025, 3, 1),
        created_by=secretariat_user,
    )
    assert not incident.is_exercise
    with pytest.raises(ValidationError, match="körs som övning"):
        services.exercise_link_incident(exercise=exercise, incident=incident)
    drill = incident_services.incident_activate(
        activated_by=rsib, title="Övning Storm", forums=[forum], is_exercise=True
    )
    assert services.exercise_link_incident(exercise=exercise, incident=drill).incident == drill


def test_an_exercise_ending_before_it_starts_is_refused(secretariat_user):
    with pytest.raises(ValidationError, match="Slutdatumet kan inte vara före"):
        services.exercise_save(
            title="Baklänges",
            starts_on=datetime.date(2025, 3, 2),
            ends_on=datetime.date(2025, 3, 1),
        )


def test_an_action_must_improve_something(capabilities, secretariat_user):
    exercise = services.exercise_save(
        title="Övning", starts_on=datetime.date(2025, 3, 1), ends_on=datetime.date(2025, 3, 1)
    )
    lesson = services.lesson_add(exercise=exercise, text="Larmet nådde inte alla.", by=None)
    with pytest.raises(
        ValidationError, match="förmåga, det målområde eller den förberedda inriktning"
    ):
        services.lesson_action_add(
            lesson=lesson, title="Ses över", due_on=datetime.date(2025, 6, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonAction.objects.create(
            lesson=lesson, title="Utan koppling", due_on=datetime.date(2025, 6, 1)
        )


def test_closing_an_action_needs_a_note_and_happens_once(goals, secretariat_user):
    exercise = services.exercise_save(
        title="Övning", starts_on=datetime.date(2025, 3, 1), ends_on=datetime.date(2025, 3, 1)
    )
    lesson = services.lesson_add(exercise=exercise, text="Lärdom", by=secretariat_user)
    action = services.lesson_action_add(
        lesson=lesson,
        title="Uppdatera rutinen",
        due_on=datetime.date(2025, 6, 1),
        goal_area=GoalArea.objects.first(),
    )
    with pytest.raises(ValidationError, match="hur åtgärden genomfördes"):
        services.lesson_action_close(action=action, note=" ")
    services.lesson_action_close(action=action, note="Rutinen uppdaterad.")
    action.refresh_from_db()
    assert action.status == LessonAction.Status.DONE and action.done_at
    with pytest.raises(ValidationError, match="redan klar"):
        services.lesson_action_close(action=action, note="Igen")


def test_incident_follow_up_actions_are_closed_in_the_incidents_app(
    incident, rsib, seat, prepared, member_user
):
    incident_services.incident_deactivate(incident=incident, by=rsib)
    follow_up = incident_services.incident_follow_up(
        incident=incident,
        by=rsib,
        evaluation="Bra",
        actions=[{"title": "Se över rapportrytmen", "owner": seat.actor}],
    )
    action = follow_up.actions.get()
    with pytest.raises(ValidationError, match="Bara RSIB i tjänst"):
        incident_services.follow_up_action_set_status(
            action=action, status=FollowUpAction.Status.DONE, by=member_user
        )
    incident_services.follow_up_action_set_status(
        action=action, status=FollowUpAction.Status.DONE, by=rsib
    )
    action.refresh_from_db()
    assert action.status == FollowUpAction.Status.DONE
    assert incident.log.filter(kind="follow_up_action").exists()


def test_only_an_exercise_runs_in_activated_mode_and_only_by_a_coordinator(
    forum, rsib, member_user
):
    training = services.exercise_save(
        kind="training",
        title="Utbildning WIS",
        starts_on=datetime.date(2025, 3, 1),
        ends_on=datetime.date(2025, 3, 1),
    )
    with pytest.raises(ValidationError, match="inte en utbildning"):
        services.exercise_activate(exercise=training, by=rsib, title="x", forums=[forum])
    drill = services.exercise_save(
        title="Övning Storm", starts_on=datetime.date(2025, 3, 1), ends_on=datetime.date(2025, 3, 1)
    )
    with pytest.raises(ValidationError, match="Bara RSIB i tjänst"):
        services.exercise_activate(exercise=drill, by=member_user, title="x", forums=[forum])
    drill = services.exercise_activate(
        exercise=drill, by=rsib, title="Övning Storm", forums=[forum]
    )
    assert drill.incident.is_exercise
    with pytest.raises(ValidationError, match="redan sin övningshändelse"):
        services.exercise_activate(exercise=drill, by=rsib, title="Igen", forums=[forum])
