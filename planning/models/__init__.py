"""Ordinary mode: the goals document and its versions (``goals``), the yearly operational plan
(``plan``), capabilities with their minimum levels and the actors' self-assessments
(``capabilities``), exercises (``exercises``), lessons and actions (``lessons``), and the
network's settings for all of it (``planning_settings``). Everything is importable from here."""

from .capabilities import Capability, Level, MinimumLevel, SelfAssessment, SubCapability
from .exercises import Exercise
from .goals import GoalArea, GoalPeriod, GoalPeriodVersion
from .lessons import FollowUpActionLink, Lesson, LessonAction
from .plan import Activity, ActivityReport, ActivityStatus, OperationalPlan
from .planning_settings import PlanningSettings

__all__ = [
    "Activity",
    "ActivityReport",
    "ActivityStatus",
    "Capability",
    "Exercise",
    "FollowUpActionLink",
    "GoalArea",
    "GoalPeriod",
    "GoalPeriodVersion",
    "Lesson",
    "LessonAction",
    "Level",
    "MinimumLevel",
    "OperationalPlan",
    "PlanningSettings",
    "SelfAssessment",
    "SubCapability",
]
