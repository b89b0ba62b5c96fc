"""Exercises and training."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor, Function
from incidents.models import Incident

from .capabilities import Capability
from .goals import GoalArea


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

    @property
    def is_exercise(self) -> bool:
        """An exercise, not a training: it may run in activated mode."""
        return self.kind == self.Kind.EXERCISE
