"""The network's choices for ordinary mode (one row)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Function
from forums.models import Forum


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
