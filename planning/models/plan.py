"""The year's operational plan, its activities and their follow-up reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor
from core.append_only import AppendOnly
from forums.models import Decision, Forum, Meeting

from .goals import GoalArea, GoalPeriodVersion


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
