"""Lessons learnt from exercises, the actions decided from them, and what an incident
follow-up action improves (the action itself stays in the incidents app)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor
from incidents.models import PreparedDirection

from .capabilities import Capability
from .exercises import Exercise
from .goals import GoalArea


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
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

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
