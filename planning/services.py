"""Every change in ordinary-mode planning goes through these functions."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from actors.models import Actor, Function
from forums.models import Decision, Meeting
from forums.services import decision_add
from incidents.models import FollowUpAction, Incident, PreparedDirection
from incidents.services import incident_activate

from .access import planning_settings
from .models import (
    Activity,
    ActivityReport,
    ActivityStatus,
    Capability,
    Exercise,
    FollowUpActionLink,
    GoalArea,
    GoalPeriod,
    GoalPeriodVersion,
    Lesson,
    LessonAction,
    Level,
    MinimumLevel,
    OperationalPlan,
    PlanningSettings,
    SelfAssessment,
    SubCapability,
)


def _check_level(level: Any, field: str = "level") -> int:
    if level not in Level.values:
        raise ValidationError(
            {
                field: _("The level must be a whole number from %(low)s to %(high)s.")
                % {"low": min(Level.values), "high": max(Level.values)}
            }
        )
    return level


def _check_dates(starts_on: datetime.date | None, ends_on: datetime.date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})


# --- Goals ----------------------------------------------------------------------------------


def version_in_force(period: GoalPeriod) -> GoalPeriodVersion | None:
    return (
        period.versions.filter(status=GoalPeriodVersion.Status.ADOPTED).order_by("-number").first()
    )


@transaction.atomic(durable=True)
def goal_version_revise(*, period: GoalPeriod, by: Any, change_note: str) -> GoalPeriodVersion:
    """Start a revision: a new draft version copied from the version in force. The earlier
    version is kept as it is."""
    if not change_note.strip():
        raise ValidationError({"change_note": _("Say why the goals are revised.")})
    period = GoalPeriod.objects.select_for_update().get(pk=period.pk)
    if period.versions.filter(status=GoalPeriodVersion.Status.DRAFT).exists():
        raise ValidationError(_("A revision of this goal period is already in draft."))
    base = version_in_force(period)
    last = period.versions.aggregate(last=Max("number"))["last"] or 0
    draft = GoalPeriodVersion.objects.create(
        period=period,
        number=last + 1,
        overall_goal=base.overall_goal if base else "",
        change_note=change_note.strip(),
        created_by=by,
    )
    if base:
        bulk_create_with_history(
            [
                GoalArea(
                    version=draft,
                    code=area.code,
                    position=area.position,
                    name=area.name,
                    goal_statement=area.goal_statement,
                    explanation=area.explanation,
                    previous=area,
                )
                for area in base.areas.all()
            ],
            GoalArea,
        )
    return draft


def _refuse_if_adopted(version: GoalPeriodVersion) -> None:
    if not version.is_draft:
        raise ValidationError(
            _("An adopted version is kept as it was adopted; start a revision to change it.")
        )


@transaction.atomic(durable=True)
def goal_version_update(*, version: GoalPeriodVersion, overall_goal: str, change_note: str):
    _refuse_if_adopted(version)
    version.overall_goal = overall_goal
    version.change_note = change_note
    version.save(update_fields=["overall_goal", "change_note"])
    return version


@transaction.atomic(durable=True)
def goal_area_save(
    *, version: GoalPeriodVersion, instance: GoalArea | None = None, **data: Any
) -> GoalArea:
    _refuse_if_adopted(version)
    area = instance or GoalArea(version=version)
    if area.version_id != version.pk:
        raise ValidationError(_("The goal area belongs to another version."))
    for name, value in data.items():
        setattr(area, name, value)
    if not area.goal_statement.strip():
        raise ValidationError({"goal_statement": _("Write the goal statement.")})
    duplicate = GoalArea.objects.filter(version=version, name=area.name).exclude(pk=area.pk)
    if duplicate.exists():
        raise ValidationError({"name": _("This version already has a goal area of that name.")})
    area.full_clean(exclude=["version", "previous"])
    area.save()
    return area


@transaction.atomic(durable=True)
def goal_area_delete(*, area: GoalArea) -> None:
    _refuse_if_adopted(area.version)
    if (
        area.activities.exists()
        or area.actions.exists()
        or area.exercises.exists()
        or area.follow_up_links.exists()
    ):
        raise ValidationError(_("Activities, exercises or actions refer to this goal area."))
    area.delete()


@transaction.atomic(durable=True)
def goal_version_adopt(
    *,
    version: GoalPeriodVersion,
    adopted_on: datetime.date,
    adopted_note: str = "",
    decision: Decision | None = None,
) -> GoalPeriodVersion:
    version = GoalPeriodVersion.objects.select_for_update().get(pk=version.pk)
    _refuse_if_adopted(version)
    if not version.areas.exists():
        raise ValidationError(_("A goals document needs at least one goal area."))
    version.status = GoalPeriodVersion.Status.ADOPTED
    version.adopted_on = adopted_on
    version.adopted_note = adopted_note
    version.decision = decision
    version.save(update_fields=["status", "adopted_on", "adopted_note", "decision"])
    return version


# --- The operational plan -------------------------------------------------------------------


def goals_for_year(year: int) -> GoalPeriodVersion | None:
    """The adopted goals version in force for a year (the newest adopted version of the period
    that covers it)."""
    return (
        GoalPeriodVersion.objects.filter(
            status=GoalPeriodVersion.Status.ADOPTED,
            period__start_year__lte=year,
            period__end_year__gte=year,
        )
        .select_related("period")
        .order_by("-period__start_year", "-number")
        .first()
    )


@transaction.atomic
def plan_create(*, year: int, summary: str = "") -> OperationalPlan:
    if OperationalPlan.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("There is already an operational plan for %(year)s.") % {"year": year}}
        )
    goals = goals_for_year(year)
    if goals is None:
        raise ValidationError(
            {
                "year": _("No adopted goals document covers %(year)s. Adopt one first.")
                % {"year": year}
            }
        )
    return OperationalPlan.objects.create(year=year, goal_version=goals, summary=summary)


def _refuse_if_plan_adopted(plan: OperationalPlan) -> None:
    if not plan.is_draft:
        raise ValidationError(
            _("The plan is adopted: activities are followed up with reports, not edited.")
        )


@transaction.atomic
def activity_save(
    *, plan: OperationalPlan, instance: Activity | None = None, **data: Any
) -> Activity:
    plan = OperationalPlan.objects.select_for_update().get(pk=plan.pk)
    _refuse_if_plan_adopted(plan)
    activity = instance or Activity(plan=plan)
    for name, value in data.items():
        setattr(activity, name, value)
    _check_dates(activity.starts_on, activity.ends_on)
    if activity.goal_area_id and activity.goal_area.version_id != plan.goal_version_id:
        raise ValidationError(
            {"goal_area": _("Choose a goal area of the goals document the plan follows.")}
        )
    activity.full_clean(exclude=["plan"])
    activity.save()
    return activity


@transaction.atomic(durable=True)
def activity_delete(*, activity: Activity) -> None:
    _refuse_if_plan_adopted(OperationalPlan.objects.select_for_update().get(pk=activity.plan_id))
    activity.delete()


@transaction.atomic(durable=True)
def activity_report(
    *,
    activity: Activity,
    by: Any,
    reported_on: datetime.date,
    status: str,
    progress: str,
) -> ActivityReport:
    """A follow-up report; the activity takes the status reported."""
    activity = Activity.objects.select_for_update().select_related("plan").get(pk=activity.pk)
    if activity.plan.is_draft:
        raise ValidationError(_("Activities are followed up once the plan has been adopted."))
    if status not in ActivityStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if not progress.strip():
        raise ValidationError({"progress": _("Describe the progress.")})
    report = ActivityReport.objects.create(
        activity=activity,
        reported_on=reported_on,
        status=status,
        progress=progress.strip(),
        reported_by=by,
    )
    if activity.status != status:
        activity.status = status
        activity.save(update_fields=["status"])
    return report


@transaction.atomic(durable=True)
def plan_adopt(
    *,
    plan: OperationalPlan,
    decision: Decision | None = None,
    meeting: Meeting | None = None,
    text: str = "",
) -> OperationalPlan:
    """Link the plan to the adopting forum's decision: an existing one, or one recorded now at
    the chosen meeting (numbered by the forums app)."""
    plan = OperationalPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_draft:
        raise ValidationError(_("The plan is already adopted."))
    if not plan.activities.exists():
        raise ValidationError(_("A plan without activities cannot be adopted."))
    adopting = planning_settings().adopting_forum
    if adopting is None:
        raise ValidationError(_("The planning settings name no forum that adopts the plan."))
    if decision is None:
        if meeting is None:
            raise ValidationError(_("Choose the decision, or the meeting where it was made."))
        if meeting.forum_id != adopting.pk:
            raise ValidationError(
                {"meeting": _("The plan is adopted by %(forum)s.") % {"forum": adopting.name}}
            )
        if meeting.status == Meeting.Status.CANCELLED:
            raise ValidationError({"meeting": _("The meeting was cancelled.")})
        decision = decision_add(meeting=meeting, text=text)
    elif decision.forum_id != adopting.pk:
        raise ValidationError(
            {"decision": _("The plan is adopted by %(forum)s.") % {"forum": adopting.name}}
        )
    if OperationalPlan.objects.filter(adoption_decision=decision).exists():
        raise ValidationError({"decision": _("That decision already adopted another plan.")})
    plan.status = OperationalPlan.Status.ADOPTED
    plan.adoption_decision = decision
    plan.adopted_at = timezone.now()
    plan.save(update_fields=["status", "adoption_decision", "adopted_at"])
    return plan


@transaction.atomic(durable=True)
def plan_present(*, plan: OperationalPlan, meeting: Meeting) -> OperationalPlan:
    plan = OperationalPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_draft:
        raise ValidationError(_("Only an adopted plan is presented."))
    presenting = planning_settings().presenting_forum
    if presenting is None or meeting.forum_id != presenting.pk:
        raise ValidationError(
            {
                "meeting": _("The plan is presented at a meeting of %(forum)s.")
                % {"forum": presenting.name if presenting else "–"}
            }
        )
    plan.presented_at = meeting
    plan.save(update_fields=["presented_at"])
    return plan


# --- Capabilities ---------------------------------------------------------------------------


@transaction.atomic(durable=True)
def minimum_levels_set(
    *, year: int, levels: dict[int, int | None], decision: Decision | None = None
) -> int:
    """Set (or clear, with None) the year's minimum level per sub-capability. Returns how many
    changed. All or nothing."""
    existing = {m.sub_capability_id: m for m in MinimumLevel.objects.filter(year=year)}
    known = set(SubCapability.objects.values_list("pk", flat=True))
    changed = 0
    for sub_id, level in levels.items():
        if sub_id not in known:
            raise ValidationError(_("Unknown sub-capability."))
        current = existing.get(sub_id)
        if level is None:
            if current:
                if SelfAssessment.objects.filter(sub_capability_id=sub_id, year=year).exists():
                    raise ValidationError(
                        _(
                            "%(sub)s has self-assessments for %(year)s; its minimum level can be "
                            "changed but not removed."
                        )
                        % {"sub": current.sub_capability, "year": year}
                    )
                current.delete()
                changed += 1
            continue
        _check_level(level)
        if current is None:
            MinimumLevel.objects.create(
                sub_capability_id=sub_id, year=year, level=level, decision=decision
            )
            changed += 1
        elif current.level != level or (decision and current.decision_id != decision.pk):
            current.level = level
            current.decision = decision or current.decision
            current.save(update_fields=["level", "decision"])
            changed += 1
    return changed


@transaction.atomic(durable=True)
def self_assessment_save(
    *, actor: Actor, year: int, by: Any, rows: dict[int, dict[str, Any]]
) -> int:
    """Save an actor's self-assessment for a year: {sub-capability id: {level, comment,
    planned_improvement}}; a row without level is (or becomes) unassessed. All or nothing."""
    minimums = set(
        MinimumLevel.objects.filter(year=year).values_list("sub_capability_id", flat=True)
    )
    subs = {s.pk: s for s in SubCapability.objects.all()}
    existing = {
        a.sub_capability_id: a for a in SelfAssessment.objects.filter(actor=actor, year=year)
    }
    errors: dict[str, list[str]] = {}
    saved = 0
    for sub_id, row in rows.items():
        sub = subs.get(sub_id)
        if sub is None:
            raise ValidationError(_("Unknown sub-capability."))
        level = row.get("level")
        if level in (None, ""):
            if sub_id in existing:  # taken back to "not assessed" (the history keeps it)
                existing[sub_id].delete()
                saved += 1
            continue
        if level not in Level.values:
            errors.setdefault(f"level_{sub_id}", []).append(
                _("%(sub)s: the level must be a whole number from %(low)s to %(high)s.")
                % {"sub": sub.name, "low": min(Level.values), "high": max(Level.values)}
            )
            continue
        if sub_id not in minimums:
            errors.setdefault(f"level_{sub_id}", []).append(
                _(
                    "%(sub)s has no minimum level for %(year)s yet, so it cannot be assessed for "
                    "that year. The secretariat sets the minimum levels first."
                )
                % {"sub": sub.name, "year": year}
            )
            continue
        assessment = existing.get(sub_id) or SelfAssessment(
            actor=actor, sub_capability=sub, year=year
        )
        values = (level, row.get("comment", ""), row.get("planned_improvement", ""))
        if assessment.pk and values == (
            assessment.level,
            assessment.comment,
            assessment.planned_improvement,
        ):
            continue
        assessment.level, assessment.comment, assessment.planned_improvement = values
        assessment.assessed_by = by
        assessment.save()
        saved += 1
    if errors:
        raise ValidationError(errors)
    return saved


# --- Exercises, lessons, actions ------------------------------------------------------------


@transaction.atomic(durable=True)
def exercise_save(
    *,
    instance: Exercise | None = None,
    actors: Iterable[Actor] = (),
    functions: Iterable[Function] = (),
    capabilities: Iterable[Capability] = (),
    goal_areas: Iterable[GoalArea] = (),
    created_by: Any = None,
    **data: Any,
) -> Exercise:
    exercise = instance or Exercise(created_by=created_by)
    for name, value in data.items():
        setattr(exercise, name, value)
    _check_dates(exercise.starts_on, exercise.ends_on)
    exercise.full_clean(exclude=["incident", "created_by"])
    exercise.save()
    exercise.actors.set(actors)
    exercise.functions.set(functions)
    exercise.capabilities.set(capabilities)
    exercise.goal_areas.set(goal_areas)
    return exercise


@transaction.atomic
def exercise_link_incident(*, exercise: Exercise, incident: Incident) -> Exercise:
    if not incident.is_exercise:
        raise ValidationError(
            {"incident": _("Only an incident run as an exercise can be linked to an exercise.")}
        )
    taken = Exercise.objects.filter(incident=incident).exclude(pk=exercise.pk)
    if taken.exists():
        raise ValidationError({"incident": _("That incident is linked to another exercise.")})
    exercise.incident = incident
    exercise.save(update_fields=["incident"])
    return exercise


@transaction.atomic(durable=True)
def exercise_evaluate(*, exercise: Exercise, evaluation: str) -> Exercise:
    if not evaluation.strip():
        raise ValidationError({"evaluation": _("Write the evaluation.")})
    if exercise.starts_on > timezone.localdate():
        raise ValidationError(_("An exercise is evaluated after it has started."))
    exercise.evaluation = evaluation.strip()
    exercise.evaluated_at = timezone.now()
    exercise.save(update_fields=["evaluation", "evaluated_at"])
    return exercise


@transaction.atomic(durable=True)
def lesson_add(*, exercise: Exercise, text: str, by: Any) -> Lesson:
    if not text.strip():
        raise ValidationError({"text": _("Write the lesson.")})
    return Lesson.objects.create(exercise=exercise, text=text.strip(), created_by=by)


@transaction.atomic(durable=True)
def lesson_action_add(
    *,
    lesson: Lesson,
    title: str,
    due_on: datetime.date,
    owner: Actor | None = None,
    capability: Capability | None = None,
    goal_area: GoalArea | None = None,
    prepared_direction: PreparedDirection | None = None,
) -> LessonAction:
    if not (capability or goal_area or prepared_direction):
        raise ValidationError(
            _("Link the action to the capability, goal area or prepared direction it improves.")
        )
    action = LessonAction(
        lesson=lesson,
        title=title.strip(),
        due_on=due_on,
        owner=owner,
        capability=capability,
        goal_area=goal_area,
        prepared_direction=prepared_direction,
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic(durable=True)
def lesson_action_close(*, action: LessonAction, note: str) -> LessonAction:
    action = LessonAction.objects.select_for_update().get(pk=action.pk)
    if action.status == LessonAction.Status.DONE:
        raise ValidationError(_("The action is already done."))
    if not note.strip():
        raise ValidationError({"note": _("Say how the action was done.")})
    action.status = LessonAction.Status.DONE
    action.done_at = timezone.now()
    action.done_note = note.strip()
    action.save(update_fields=["status", "done_at", "done_note"])
    return action


@transaction.atomic(durable=True)
def lesson_action_reopen(*, action: LessonAction) -> LessonAction:
    action = LessonAction.objects.select_for_update().get(pk=action.pk)
    if action.status == LessonAction.Status.OPEN:
        raise ValidationError(_("The action is already open."))
    action.status = LessonAction.Status.OPEN
    action.done_at = None
    action.save(update_fields=["status", "done_at"])
    return action


@transaction.atomic(durable=True)
def follow_up_action_link(
    *,
    action: FollowUpAction,
    capability: Capability | None = None,
    goal_area: GoalArea | None = None,
) -> FollowUpActionLink | None:
    """Say which capability or goal area an incident follow-up action improves (or, with
    neither, remove what was said)."""
    if not (capability or goal_area):
        FollowUpActionLink.objects.filter(action=action).delete()
        return None
    link, _created = FollowUpActionLink.objects.update_or_create(
        action=action, defaults={"capability": capability, "goal_area": goal_area}
    )
    return link


@transaction.atomic(durable=True)
def planning_settings_update(**data: Any) -> PlanningSettings:
    settings = PlanningSettings.objects.select_for_update().get(pk=planning_settings().pk)
    for name, value in data.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings


@transaction.atomic(durable=True)
def exercise_activate(*, exercise: Exercise, by: Any, **activation: Any) -> Exercise:
    """Run the exercise in activated mode: an incident with the exercise flag (activated by the
    incidents app's own service, which checks who may), linked to the exercise."""
    if exercise.kind != Exercise.Kind.EXERCISE:
        raise ValidationError(_("Only an exercise, not a training, runs in activated mode."))
    if exercise.incident_id:
        raise ValidationError(_("The exercise already has its exercise incident."))
    activation.pop("is_exercise", None)
    incident = incident_activate(activated_by=by, is_exercise=True, **activation)
    return exercise_link_incident(exercise=exercise, incident=incident)
