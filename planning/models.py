"""Ordinary mode: the goals document and its versions, the yearly operational plan, capabilities
with their minimum levels and the actors' self-assessments, exercises, lessons and actions.

The goals document (seed 003) steers the network through yearly operational plans. A goal period
is revised mid-way (seed 003 §2.10) by a new *version*: the earlier one stays readable and the
plans made under it keep pointing at its goal areas.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor, Function
from core.append_only import AppendOnly
from forums.models import Decision, Forum, Meeting, Mode
from incidents.models import Incident, PreparedDirection


class Level(models.IntegerChoices):
    """The scale of capability levels, for minimum levels and self-assessments alike."""

    ABSENT = 1, _("1 – Not in place")
    INITIAL = 2, _("2 – Initial")
    DEVELOPING = 3, _("3 – Developing")
    ESTABLISHED = 4, _("4 – Established")
    ADVANCED = 5, _("5 – Advanced")


LEVEL_RANGE = Q(level__gte=min(Level.values)) & Q(level__lte=max(Level.values))


class PlanningSettings(models.Model):
    """The network's choices for ordinary mode (one row): which forum adopts the plan, where it
    is presented, which function is an actor's designated contact, and whether actors see each
    other's names in the capability aggregate."""

    adopting_forum = models.ForeignKey(
        Forum,
        verbose_name=_("forum that adopts the operational plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    presenting_forum = models.ForeignKey(
        Forum,
        verbose_name=_("forum the plan is presented to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contact_function = models.ForeignKey(
        Function,
        verbose_name=_("function of the designated contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Whoever holds (or deputises for) this function at an actor edits the actor's own "
            "rows: activities it owns, its self-assessment and its actions."
        ),
    )
    show_actor_names = models.BooleanField(
        _("actors see each other's names in the capability aggregate"), default=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("planning settings")
        verbose_name_plural = _("planning settings")

    def __str__(self) -> str:
        return str(_("Planning settings"))


# --- Goals ----------------------------------------------------------------------------------


class GoalPeriod(models.Model):
    """A goals document for a number of years (målbildsperiod), e.g. 2023–2026."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("goal period")
        verbose_name_plural = _("goal periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="goal_period_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("planning:period_detail", args=[self.pk])

    @property
    def years(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class GoalPeriodVersion(models.Model):
    """One version of a goals document. Drafts are edited; adopted versions are locked; a
    revision is a new draft copied from the version in force."""

    # Protected in the database (core.append_only): what may still change.
    append_only = AppendOnly(frozen_when="OLD.status = 'adopted'")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    period = models.ForeignKey(
        GoalPeriod, verbose_name=_("goal period"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    overall_goal = models.TextField(_("overall goal"), blank=True)
    change_note = models.TextField(
        _("what changed"), blank=True, help_text=_("Why and what this version revises.")
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_note = models.CharField(
        _("adopted by"), max_length=300, blank=True, help_text=_("E.g. the forum and meeting.")
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "-number"]
        verbose_name = _("goal period version")
        verbose_name_plural = _("goal period versions")
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="goal_version_unique"),
            models.UniqueConstraint(
                fields=["period"], condition=Q(status="draft"), name="goal_version_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("%(period)s, version %(number)s") % {"period": self.period, "number": self.number}
        )

    def get_absolute_url(self) -> str:
        return reverse("planning:version_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class GoalArea(models.Model):
    """A goal area (målområde) of one version, with its goal statement and explanatory text."""

    version = models.ForeignKey(
        GoalPeriodVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="areas",
    )
    code = models.CharField(_("section"), max_length=10, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    goal_statement = models.TextField(_("goal statement"))
    explanation = models.TextField(_("explanatory text"), blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("same area in the previous version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("goal area")
        verbose_name_plural = _("goal areas")
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="goal_area_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def changed_from_previous(self) -> bool:
        if self.previous is None:
            return True
        return (self.name, self.goal_statement, self.explanation) != (
            self.previous.name,
            self.previous.goal_statement,
            self.previous.explanation,
        )


# --- The operational plan -------------------------------------------------------------------


class OperationalPlan(models.Model):
    """The year's operational plan (verksamhetsplan): activities per goal area, adopted by the
    direction level's forum and presented to the regional council."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    goal_version = models.ForeignKey(
        GoalPeriodVersion,
        verbose_name=_("goals document"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    adoption_decision = models.OneToOneField(
        Decision,
        verbose_name=_("adoption decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_plan",
    )
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    presented_at = models.ForeignKey(
        Meeting,
        verbose_name=_("presented at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("operational plan")
        verbose_name_plural = _("operational plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(adoption_decision__isnull=False),
                name="plan_adopted_has_decision",
            )
        ]

    def __str__(self) -> str:
        return str(_("Operational plan %(year)s") % {"year": self.year})

    def get_absolute_url(self) -> str:
        return reverse("planning:plan_detail", args=[self.year])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(models.Model):
    """An activity of the plan under one goal area. No owner actor means the secretariat."""

    plan = models.ForeignKey(
        OperationalPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="activities"
    )
    goal_area = models.ForeignKey(
        GoalArea, verbose_name=_("goal area"), on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(_("activity"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        Actor,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planned_activities",
        help_text=_("Leave empty when the secretariat owns the activity."),
    )
    forum = models.ForeignKey(
        Forum,
        verbose_name=_("forum responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planned_activities",
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    follow_up_plan = models.TextField(
        _("follow-up plan"), blank=True, help_text=_("How and when the activity is followed up.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "goal_area__position", "starts_on", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="activity_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:activity_detail", args=[self.pk])

    @property
    def owner_label(self) -> str:
        return self.owner.name if self.owner_id else str(_("The secretariat"))


class ActivityReport(models.Model):
    """A follow-up report on an activity through the year. Append-only: a correction is a new
    report."""

    # Protected in the database (core.append_only): what may still change.
    append_only = AppendOnly()

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="reports"
    )
    reported_on = models.DateField(_("reported on"))
    status = models.CharField(_("status"), max_length=10, choices=ActivityStatus.choices)
    progress = models.TextField(_("progress"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["activity", "-reported_on", "-pk"]
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")

    def __str__(self) -> str:
        return f"{self.activity}: {self.reported_on:%Y-%m-%d}"


# --- Capabilities ---------------------------------------------------------------------------


class Capability(models.Model):
    """A common capability: the five basic capabilities of activated mode and the ordinary-mode
    capabilities (seed 003 §1.4, §2.2)."""

    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["mode", "position", "name"]  # "activated" sorts before "ordinary"
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")

    def __str__(self) -> str:
        return self.name


class SubCapability(models.Model):
    capability = models.ForeignKey(
        Capability,
        verbose_name=_("capability"),
        on_delete=models.PROTECT,
        related_name="sub_capabilities",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["capability__mode", "capability__position", "position", "pk"]
        verbose_name = _("sub-capability")
        verbose_name_plural = _("sub-capabilities")
        constraints = [
            models.UniqueConstraint(
                fields=["capability", "name"], name="sub_capability_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MinimumLevel(models.Model):
    """The lowest acceptable level of a sub-capability in a year, set by the direction level."""

    sub_capability = models.ForeignKey(
        SubCapability,
        verbose_name=_("sub-capability"),
        on_delete=models.PROTECT,
        related_name="minimum_levels",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.PositiveSmallIntegerField(_("minimum level"), choices=Level.choices)
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "sub_capability"]
        verbose_name = _("minimum level")
        verbose_name_plural = _("minimum levels")
        constraints = [
            models.UniqueConstraint(
                fields=["sub_capability", "year"], name="minimum_level_unique_year"
            ),
            models.CheckConstraint(condition=LEVEL_RANGE, name="minimum_level_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.sub_capability} {self.year}: {self.level}"


class SelfAssessment(models.Model):
    """An actor's yearly self-assessment of one sub-capability."""

    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="self_assessments"
    )
    sub_capability = models.ForeignKey(
        SubCapability,
        verbose_name=_("sub-capability"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True)
    planned_improvement = models.TextField(_("planned improvement"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["actor", "year", "sub_capability"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "sub_capability", "year"], name="assessment_unique_year"
            ),
            models.CheckConstraint(condition=LEVEL_RANGE, name="assessment_level_on_scale"),
        ]
        indexes = [models.Index(fields=["year", "sub_capability"])]

    def __str__(self) -> str:
        return f"{self.actor} – {self.sub_capability} {self.year}: {self.level}"


# --- Exercises, lessons and actions ---------------------------------------------------------


class Exercise(models.Model):
    """An exercise or a training (övning, utbildning). An exercise may run activated mode as an
    incident with the exercise flag; the two are linked."""

    class Kind(models.TextChoices):
        EXERCISE = "exercise", _("Exercise")
        TRAINING = "training", _("Training")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EXERCISE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what"), blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    actors = models.ManyToManyField(
        Actor, verbose_name=_("actors taking part"), related_name="exercises", blank=True
    )
    functions = models.ManyToManyField(
        Function, verbose_name=_("functions taking part"), related_name="exercises", blank=True
    )
    capabilities = models.ManyToManyField(
        Capability, verbose_name=_("capabilities exercised"), related_name="exercises", blank=True
    )
    goal_areas = models.ManyToManyField(
        GoalArea, verbose_name=_("goal areas exercised"), related_name="exercises", blank=True
    )
    incident = models.OneToOneField(
        Incident,
        verbose_name=_("exercise incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planned_exercise",
        limit_choices_to={"is_exercise": True},
    )
    evaluation = models.TextField(_("evaluation"), blank=True)
    evaluated_at = models.DateTimeField(_("evaluated"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("exercise or training")
        verbose_name_plural = _("exercises and training")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="exercise_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:exercise_detail", args=[self.pk])


class Lesson(models.Model):
    """A lesson learnt from an exercise (incident follow-ups keep theirs in the incidents app)."""

    exercise = models.ForeignKey(
        Exercise, verbose_name=_("exercise"), on_delete=models.PROTECT, related_name="lessons"
    )
    text = models.TextField(_("lesson"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.text[:80]


class LessonAction(models.Model):
    """An action decided from a lesson, with owner and due date, tracked to done. It improves a
    capability, a goal area or a prepared direction (at least one)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lesson"), on_delete=models.PROTECT, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        Actor,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lesson_actions",
        help_text=_("Leave empty when the secretariat owns the action."),
    )
    due_on = models.DateField(_("due date"))
    capability = models.ForeignKey(
        Capability,
        verbose_name=_("capability improved"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    goal_area = models.ForeignKey(
        GoalArea,
        verbose_name=_("goal area improved"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    prepared_direction = models.ForeignKey(
        PreparedDirection,
        verbose_name=_("prepared direction improved"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planning_actions",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.TextField(_("how it was done"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(capability__isnull=False)
                | Q(goal_area__isnull=False)
                | Q(prepared_direction__isnull=False),
                name="lesson_action_improves_something",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(done_at__isnull=False),
                name="lesson_action_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_label(self) -> str:
        return self.owner.name if self.owner_id else str(_("The secretariat"))


class FollowUpActionLink(models.Model):
    """What an incident follow-up action improves: the action itself stays in the incidents app
    (read through its selector); this only adds the capability or goal area it improves, as
    lesson actions have (its prepared direction is on the action already)."""

    action = models.OneToOneField(
        "incidents.FollowUpAction",
        verbose_name=_("follow-up action"),
        on_delete=models.CASCADE,
        related_name="planning_link",
    )
    capability = models.ForeignKey(
        Capability,
        verbose_name=_("capability improved"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_links",
    )
    goal_area = models.ForeignKey(
        GoalArea,
        verbose_name=_("goal area improved"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_links",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up action link")
        verbose_name_plural = _("follow-up action links")

    def __str__(self) -> str:
        return str(self.action)
