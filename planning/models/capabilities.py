"""Common capabilities and their sub-capabilities, the yearly minimum levels and the actors'
self-assessments, on one scale of levels."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor
from forums.models import Decision, Mode


class Level(models.IntegerChoices):
    """The scale of capability levels, for minimum levels and self-assessments alike."""

    ABSENT = 1, _("1 – Not in place")
    INITIAL = 2, _("2 – Initial")
    DEVELOPING = 3, _("3 – Developing")
    ESTABLISHED = 4, _("4 – Established")
    ADVANCED = 5, _("5 – Advanced")


LEVEL_RANGE = Q(level__gte=min(Level.values)) & Q(level__lte=max(Level.values))


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
