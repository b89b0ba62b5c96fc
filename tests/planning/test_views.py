import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import FollowUp, FollowUpAction, Incident
from planning import services
from planning.models import (
    Activity,
    ActivityStatus,
    GoalPeriod,
    GoalPeriodVersion,
    LessonAction,
    MinimumLevel,
    OperationalPlan,
    SelfAssessment,
)
from tests.factories import ActorFactory, MeetingFactory

pytestmark = pytest.mark.django_db

# anonymous, ordinary member, the actor's designated contact, another actor's contact, secretariat
ANY_MEMBER = (302, 200, 200, 200, 200)
SECRETARIAT_ONLY = (302, 403, 403, 403, 200)
OWN_ROWS = (302, 403, 200, 403, 200)
CONTACTS = (302, 403, 200, 200, 200)


@pytest.fixture
def objects(goals, capabilities, huddinge, planning_settings, secretariat_user):
    plan = services.plan_create(year=2025)
    activity = services.activity_save(
        plan=plan,
        goal_area=goals.areas.first(),
        title="Workshop säker informationsdelning",
        owner=huddinge,
        starts_on=datetime.date(2025, 2, 1),
        ends_on=datetime.date(2025, 5, 31),
    )
    services.minimum_levels_set(year=2025, levels={s.pk: 3 for s in capabilities})
    exercise = services.exercise_save(
        title="Övning Vinter",
        starts_on=datetime.date(2025, 2, 10),
        ends_on=datetime.date(2025, 2, 10),
        actors=[huddinge],
    )
    lesson = services.lesson_add(exercise=exercise, text="Larmlistan var inaktuell.", by=None)
    action = services.lesson_action_add(
        lesson=lesson,
        title="Uppdatera larmlistan",
        owner=huddinge,
        due_on=datetime.date(2025, 4, 1),
        capability=capabilities[0].capability,
    )
    incident = Incident.objects.create(
        title="Skyfall",
        status=Incident.Status.FOLLOWED_UP,
        activated_at=timezone.now(),
        activated_by=secretariat_user,
    )
    follow_up = FollowUp.objects.create(
        incident=incident, evaluation="Bra", created_by=secretariat_user
    )
    follow_up_action = FollowUpAction.objects.create(
        follow_up=follow_up, title="Se över dagvattnet", owner=huddinge
    )
    return {
        "period": goals.period,
        "version": goals,
        "area": goals.areas.first(),
        "activity": activity,
        "exercise": exercise,
        "lesson": lesson,
        "action": action,
        "follow_up_action": follow_up_action,
        "huddinge": huddinge,
    }


PAGES = [
    ("planning:settings_update", {}, SECRETARIAT_ONLY),
    ("planning:period_list", {}, ANY_MEMBER),
    ("planning:period_detail", {"pk": "period"}, ANY_MEMBER),
    ("planning:version_detail", {"pk": "version"}, ANY_MEMBER),
    ("planning:version_revise", {"pk": "period"}, SECRETARIAT_ONLY),
    ("planning:version_update", {"pk": "version"}, SECRETARIAT_ONLY),
    ("planning:version_adopt", {"pk": "version"}, SECRETARIAT_ONLY),
    ("planning:area_create", {"pk": "version"}, SECRETARIAT_ONLY),
    ("planning:area_update", {"pk": "area"}, SECRETARIAT_ONLY),
    ("planning:plan_list", {}, ANY_MEMBER),
    ("planning:plan_create", {}, SECRETARIAT_ONLY),
    ("planning:plan_detail", {"year": 2025}, ANY_MEMBER),
    ("planning:plan_adopt", {"year": 2025}, SECRETARIAT_ONLY),
    ("planning:plan_present", {"year": 2025}, SECRETARIAT_ONLY),
    ("planning:plan_pdf", {"year": 2025}, ANY_MEMBER),
    ("planning:activity_create", {"year": 2025}, SECRETARIAT_ONLY),
    ("planning:activity_detail", {"pk": "activity"}, ANY_MEMBER),
    ("planning:activity_update", {"pk": "activity"}, OWN_ROWS),
    ("planning:activity_report", {"pk": "activity"}, OWN_ROWS),
    ("planning:capability_list", {}, ANY_MEMBER),
    ("planning:minimum_levels", {"year": 2025}, SECRETARIAT_ONLY),
    ("planning:assessment_index", {}, CONTACTS),
    ("planning:assessment", {"actor_pk": "huddinge", "year": 2025}, OWN_ROWS),
    ("planning:matrix", {"year": 2025}, SECRETARIAT_ONLY),
    ("planning:exercise_list", {}, ANY_MEMBER),
    ("planning:exercise_create", {}, SECRETARIAT_ONLY),
    ("planning:exercise_detail", {"pk": "exercise"}, ANY_MEMBER),
    ("planning:exercise_update", {"pk": "exercise"}, SECRETARIAT_ONLY),
    ("planning:exercise_link", {"pk": "exercise"}, SECRETARIAT_ONLY),
    ("planning:exercise_activate", {"pk": "exercise"}, SECRETARIAT_ONLY),
    ("planning:exercise_evaluate", {"pk": "exercise"}, SECRETARIAT_ONLY),
    ("planning:lesson_create", {"pk": "exercise"}, SECRETARIAT_ONLY),
    ("planning:register", {}, CONTACTS),
    ("planning:action_create", {"pk": "lesson"}, SECRETARIAT_ONLY),
    ("planning:action_close", {"pk": "action"}, OWN_ROWS),
    ("planning:follow_up_action_close", {"pk": "follow_up_action"}, SECRETARIAT_ONLY),
    ("planning:follow_up_action_link", {"pk": "follow_up_action"}, SECRETARIAT_ONLY),
]


@pytest.mark.parametrize(("name", "kwargs", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_permission_matrix(name, kwargs, expected, objects, roles):
    url = reverse(
        name, kwargs={k: objects[v].pk if isinstance(v, str) else v for k, v in kwargs.items()}
    )
    got = tuple(client.get(url).status_code for client in roles)
    assert got == expected, url


def test_every_planning_url_is_in_the_matrix():
    from planning.urls import urlpatterns

    assert {f"planning:{p.name}" for p in urlpatterns} == {name for name, _k, _e in PAGES}


def test_another_contact_cannot_post_to_an_actors_rows(objects, other_contact, capabilities):
    huddinge = objects["huddinge"]
    url = reverse("planning:assessment", args=[huddinge.pk, 2025])
    response = other_contact.post(url, {f"level_{capabilities[0].pk}": "4"})
    assert response.status_code == 403
    assert not SelfAssessment.objects.exists()
    response = other_contact.post(
        reverse("planning:action_close", args=[objects["action"].pk]), {"note": "Klart"}
    )
    assert response.status_code == 403
    objects["action"].refresh_from_db()
    assert objects["action"].status == LessonAction.Status.OPEN


# --- Bad input: clear Swedish errors, nothing stored ----------------------------------------


def test_an_activity_ending_before_it_starts_is_a_swedish_error(objects, secretariat):
    response = secretariat.post(
        reverse("planning:activity_create", args=[2025]),
        {
            "goal_area": objects["area"].pk,
            "title": "Baklänges",
            "starts_on": "2025-06-01",
            "ends_on": "2025-05-01",
        },
    )
    assert response.status_code == 400
    assert "Slutdatumet kan inte vara före startdatumet." in response.content.decode()
    assert not Activity.objects.filter(title="Baklänges").exists()


def test_a_level_outside_the_scale_is_a_swedish_error(objects, contact, capabilities):
    url = reverse("planning:assessment", args=[objects["huddinge"].pk, 2025])
    response = contact.post(url, {f"level_{capabilities[0].pk}": "7"})
    assert response.status_code == 400
    assert "Välj en nivå på skalan 1 till 5." in response.content.decode()
    assert not SelfAssessment.objects.exists()


def test_assessing_a_year_without_minimum_levels_is_a_swedish_error(objects, contact, capabilities):
    url = reverse("planning:assessment", args=[objects["huddinge"].pk, 2026])
    response = contact.post(url, {f"level_{capabilities[0].pk}": "3"})
    assert response.status_code == 400
    assert "saknar miniminivå för 2026" in response.content.decode()
    assert not SelfAssessment.objects.exists()


# --- Query-count guards ---------------------------------------------------------------------


def _more_actors_and_assessments(count: int, capabilities, by) -> None:
    for n in range(count):
        actor = ActorFactory()
        for sub in capabilities:
            for year in (2024, 2025):
                SelfAssessment.objects.create(
                    actor=actor,
                    sub_capability=sub,
                    year=year,
                    level=1 + (n + year) % 5,
                    assessed_by=by,
                )


def test_matrix_queries_do_not_grow(
    objects, capabilities, secretariat, secretariat_user, django_assert_max_num_queries
):
    _more_actors_and_assessments(5, capabilities, secretariat_user)
    with django_assert_max_num_queries(20) as few:
        secretariat.get(reverse("planning:matrix", args=[2025]))
    _more_actors_and_assessments(60, capabilities, secretariat_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretariat.get(reverse("planning:matrix", args=[2025]))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50  # paginated


def test_plan_overview_queries_do_not_grow(
    objects, member, secretariat_user, chefsgrupp, django_assert_max_num_queries
):
    plan = OperationalPlan.objects.get(year=2025)
    services.plan_adopt(plan=plan, meeting=MeetingFactory(forum=chefsgrupp), text="Antas.")
    for n in range(3):
        services.activity_report(
            activity=objects["activity"],
            by=secretariat_user,
            reported_on=datetime.date(2025, 3, 1 + n),
            status=ActivityStatus.ONGOING,
            progress=f"Rapport {n}",
        )
    with django_assert_max_num_queries(20) as few:
        member.get(reverse("planning:plan_detail", args=[2025]))
    for n in range(30):
        activity = Activity.objects.create(
            plan=plan,
            goal_area=objects["area"],
            title=f"Aktivitet {n}",
            owner=ActorFactory(),
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2025, 12, 31),
        )
        services.activity_report(
            activity=activity,
            by=secretariat_user,
            reported_on=datetime.date(2025, 4, 1),
            status=ActivityStatus.DONE,
            progress="Klart",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = member.get(reverse("planning:plan_detail", args=[2025]))
    area = response.context["areas"][0]
    assert area.total == 31 and area.done == 30


def test_lessons_register_queries_do_not_grow(
    objects, secretariat, secretariat_user, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as few:
        secretariat.get(reverse("planning:register"))
    follow_up = objects["follow_up_action"].follow_up
    for n in range(30):
        owner = ActorFactory()
        services.lesson_action_add(
            lesson=objects["lesson"],
            title=f"Åtgärd {n}",
            owner=owner,
            due_on=datetime.date(2025, 5, 1),
            goal_area=objects["area"],
        )
        extra = FollowUpAction.objects.create(
            follow_up=follow_up, title=f"Uppföljning {n}", owner=owner
        )
        services.follow_up_action_link(action=extra, goal_area=objects["area"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretariat.get(reverse("planning:register"))
    assert response.context["open_count"] == 62
    assert len(response.context["page"].object_list) == 25


def test_goal_period_list_queries_do_not_grow(goals, member, django_assert_max_num_queries):
    with django_assert_max_num_queries(20) as few:
        member.get(reverse("planning:period_list"))
    for n in range(10):
        period = GoalPeriod.objects.create(
            name=f"Målbild {n}", start_year=2000 + 2 * n, end_year=2001 + 2 * n
        )
        GoalPeriodVersion.objects.create(
            period=period, number=1, status=GoalPeriodVersion.Status.ADOPTED
        )
        GoalPeriodVersion.objects.create(period=period, number=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = member.get(reverse("planning:period_list"))
    counts = {p.name: p.version_count for p in response.context["periods"]}
    assert len(counts) == 11 and counts["Målbild 0"] == 2 and counts[goals.period.name] == 1


def test_exercise_list_queries_do_not_grow(objects, member, django_assert_max_num_queries):
    with django_assert_max_num_queries(20) as few:
        member.get(reverse("planning:exercise_list"))
    for n in range(20):
        services.exercise_save(
            title=f"Övning {n}",
            starts_on=datetime.date(2025, 3, 1),
            ends_on=datetime.date(2025, 3, 1),
            actors=[ActorFactory(), ActorFactory()],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = member.get(reverse("planning:exercise_list"))
    exercises = response.context["page"].object_list
    assert len(exercises) == 21 and exercises[0].actor_count == 2


def test_a_contact_sees_only_their_actors_actions_in_the_register(objects, contact, other_contact):
    mine = contact.get(reverse("planning:register")).content.decode()
    assert "Uppdatera larmlistan" in mine and "Se över dagvattnet" in mine
    theirs = other_contact.get(reverse("planning:register")).content.decode()
    assert "Uppdatera larmlistan" not in theirs and "Se över dagvattnet" not in theirs


def test_incident_follow_up_actions_are_linked_to_what_they_improve_without_copying(
    objects, secretariat, capabilities
):
    action = objects["follow_up_action"]
    capability = capabilities[0].capability
    response = secretariat.post(
        reverse("planning:follow_up_action_link", args=[action.pk]),
        {"capability": capability.pk, "goal_area": objects["area"].pk},
    )
    assert response.status_code == 302
    rows = secretariat.get(reverse("planning:register") + "?source=incident").context["page"]
    row = next(r for r in rows.object_list if r.title == "Se över dagvattnet")
    assert row.improves == [capability.name, str(objects["area"])]
    assert row.action.pk == action.pk  # the incidents app's own row, not a copy
    response = secretariat.post(reverse("planning:follow_up_action_close", args=[action.pk]))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == FollowUpAction.Status.DONE


def test_the_secretariat_lets_actors_see_names_in_the_aggregate(
    objects,
    secretariat,
    contact,
    other_contact_user,
    capabilities,
    chefsgrupp,
    radet,
    contact_function,
):
    services.self_assessment_save(
        actor=other_contact_user.person.actor,
        year=2025,
        by=other_contact_user,
        rows={capabilities[0].pk: {"level": 1}},
    )
    url = reverse("planning:assessment", args=[objects["huddinge"].pk, 2025])
    assert "Polismyndigheten" not in contact.get(url).content.decode()
    response = secretariat.post(
        reverse("planning:settings_update"),
        {
            "adopting_forum": chefsgrupp.pk,
            "presenting_forum": radet.pk,
            "contact_function": contact_function.pk,
            "show_actor_names": "on",
        },
    )
    assert response.status_code == 302
    assert "(Polismyndigheten)" in contact.get(url).content.decode()


def test_minimum_levels_record_the_deciding_decision(
    objects, secretariat, capabilities, chefsgrupp
):
    from forums.services import decision_add

    decision = decision_add(meeting=MeetingFactory(forum=chefsgrupp), text="Miniminivåer 2026.")
    data = {f"level_{s.pk}": "2" for s in capabilities}
    data["decision"] = decision.pk
    response = secretariat.post(reverse("planning:minimum_levels", args=[2026]), data)
    assert response.status_code == 302
    assert set(MinimumLevel.objects.filter(year=2026).values_list("level", "decision")) == {
        (2, decision.pk)
    }


def test_a_contact_edits_their_actors_draft_activity_but_not_its_owner(objects, contact, polisen):
    activity = objects["activity"]
    response = contact.post(
        reverse("planning:activity_update", args=[activity.pk]),
        {
            "goal_area": activity.goal_area_id,
            "title": "Workshop säker informationsdelning (två tillfällen)",
            "owner": polisen.pk,
            "starts_on": "2025-02-01",
            "ends_on": "2025-06-30",
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title.endswith("(två tillfällen)")
    assert activity.owner == objects["huddinge"]


def test_the_year_end_pdf_is_an_audited_export(objects, member, member_user):
    from core.models import AuditEvent

    response = member.get(reverse("planning:plan_pdf", args=[2025]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.user == member_user and event.detail == "/verksamhetsplan/2025/arsuppfoljning.pdf"


def test_the_history_of_an_activity_is_in_the_secretariats_history_view(objects, secretariat):
    activity = objects["activity"]
    services.activity_save(plan=activity.plan, instance=activity, title="Omdöpt workshop")
    url = reverse("actors:object_history", args=["planning.activity", activity.pk])
    page = secretariat.get(url)
    assert page.status_code == 200
    assert "Omdöpt workshop" in page.content.decode()


def test_an_exercise_runs_in_activated_mode_as_an_exercise_incident(objects, secretariat, forum):
    exercise = objects["exercise"]
    response = secretariat.post(
        reverse("planning:exercise_activate", args=[exercise.pk]),
        {"title": "Övning Vinter", "forums": [forum.pk], "reporting_interval_minutes": "60"},
    )
    assert response.status_code == 302, response.content.decode()
    exercise.refresh_from_db()
    incident = exercise.incident
    assert incident.is_exercise and incident.is_active
    assert response["Location"] == incident.get_absolute_url()
    page = secretariat.get(exercise.get_absolute_url()).content.decode()
    assert incident.get_absolute_url() in page
