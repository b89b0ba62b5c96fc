"""An adopted goals version (and its goal areas) and an adopted operational plan (and its
activities) are locked: every service that would change them refuses."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from planning import services
from planning.models import Activity, GoalArea, GoalPeriodVersion
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted_plan(goals, planning_settings, chefsgrupp):
    plan = services.plan_create(year=2025, summary="Årets plan")
    services.activity_save(
        plan=plan,
        goal_area=goals.areas.first(),
        title="Workshop",
        starts_on=datetime.date(2025, 2, 1),
        ends_on=datetime.date(2025, 5, 31),
    )
    services.plan_adopt(plan=plan, meeting=MeetingFactory(forum=chefsgrupp), text="Antas.")
    return plan


def _goals_state(version: GoalPeriodVersion) -> tuple:
    version.refresh_from_db()
    return (
        version.status,
        version.overall_goal,
        version.change_note,
        version.adopted_on,
        list(version.areas.values_list("pk", "name", "goal_statement", "explanation")),
    )


GOAL_CHANGES = {
    "version_update": lambda v: services.goal_version_update(
        version=v, overall_goal="Omskrivet.", change_note="x"
    ),
    "version_adopt_again": lambda v: services.goal_version_adopt(
        version=v, adopted_on=datetime.date(2025, 1, 1)
    ),
    "area_add": lambda v: services.goal_area_save(
        version=v, name="Nytt område", goal_statement="Mål."
    ),
    "area_update": lambda v: services.goal_area_save(
        version=v, instance=v.areas.first(), goal_statement="Omskrivet."
    ),
    "area_delete": lambda v: services.goal_area_delete(area=v.areas.first()),
}


@pytest.mark.parametrize("change", GOAL_CHANGES)
def test_an_adopted_goals_version_and_its_areas_are_locked(goals, change):
    before = _goals_state(goals)
    with pytest.raises(ValidationError, match="påbörja en revidering"):
        GOAL_CHANGES[change](goals)
    assert _goals_state(goals) == before
    assert GoalArea.objects.filter(version=goals).count() == 2


def test_an_adopted_plans_activities_are_locked(adopted_plan):
    activity = adopted_plan.activities.get()
    with pytest.raises(ValidationError, match="följs upp med rapporter"):
        services.activity_save(plan=adopted_plan, instance=activity, title="Omdöpt")
    with pytest.raises(ValidationError, match="följs upp med rapporter"):
        services.activity_save(
            plan=adopted_plan, goal_area=activity.goal_area, title="Ny aktivitet"
        )
    with pytest.raises(ValidationError, match="följs upp med rapporter"):
        services.activity_delete(activity=activity)
    with pytest.raises(ValidationError, match="redan antagen"):
        services.plan_adopt(plan=adopted_plan, text="Igen.")
    assert list(Activity.objects.values_list("title", flat=True)) == ["Workshop"]
