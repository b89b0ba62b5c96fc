"""The live checklist's items (the writes and pages are in ``incidents.checklist``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor

__all__ = ["ChecklistItem"]


class ChecklistItem(models.Model):
    """One item of an incident's live checklist, from the prepared direction's checklist or
    added by the coordinator; ticked by the coordinator or the owner actor's people."""

    class State(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="checklist_items"
    )
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("item"), max_length=500)
    owner = models.ForeignKey(
        Actor,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=15, choices=State.choices, default=State.OPEN)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Why it was reopened or found not applicable (the history keeps earlier notes).
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "position"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "position"], name="checklist_item_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN
