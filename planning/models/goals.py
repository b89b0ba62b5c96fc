"""The goals document (seed 003) steers the network through yearly operational plans. A goal
period is revised mid-way (seed 003 §2.10) by a new *version*: the earlier one stays readable
and the plans made under it keep pointing at its goal areas."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.append_only import AppendOnly
from forums.models import Decision


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
