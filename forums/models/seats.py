"""A forum's seats, and the municipality a cluster names to fill its seats."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor, Function, MunicipalCluster

from .forums import Forum


class Seat(models.Model):
    """A place in a forum for an actor's (or a municipal cluster's) function."""

    class AppliesIn(models.TextChoices):
        BOTH = "both", _("Both modes")
        ORDINARY = "ordinary", _("Ordinary mode only")
        ACTIVATED = "activated", _("Activated mode only")

    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.CASCADE, related_name="seats"
    )
    actor = models.ForeignKey(
        Actor,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
    )
    cluster = models.ForeignKey(
        MunicipalCluster,
        verbose_name=_("municipal cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
    )
    function = models.ForeignKey(
        Function, verbose_name=_("function"), on_delete=models.PROTECT, related_name="seats"
    )
    count = models.PositiveSmallIntegerField(
        _("number of seats"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("2 for double representation."),
    )
    applies_in = models.CharField(
        _("applies in"), max_length=10, choices=AppliesIn.choices, default=AppliesIn.BOTH
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["forum", "cluster__name", "actor__name", "function__name"]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.CheckConstraint(
                condition=(Q(actor__isnull=False) & Q(cluster__isnull=True))
                | (Q(actor__isnull=True) & Q(cluster__isnull=False)),
                name="seat_actor_xor_cluster",
            ),
            models.UniqueConstraint(
                fields=["forum", "actor", "function"],
                condition=Q(actor__isnull=False),
                name="seat_unique_actor_function",
            ),
            models.UniqueConstraint(
                fields=["forum", "cluster", "function"],
                condition=Q(cluster__isnull=False),
                name="seat_unique_cluster_function",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="seat_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.holder_label} – {self.function} ({self.forum.name})"

    @property
    def holder_label(self) -> str:
        if self.cluster_id:
            return str(_("Cluster %(name)s") % {"name": self.cluster.name})
        return self.actor.name

    @property
    def is_for_one_mode(self) -> bool:
        """The seat applies in ordinary or in activated mode only."""
        return self.applies_in != self.AppliesIn.BOTH

    def applies_to(self, mode: str) -> bool:
        return self.applies_in in (self.AppliesIn.BOTH, mode)


class ClusterRepresentation(models.Model):
    """The municipality a cluster has named to fill its seats for a period."""

    cluster = models.ForeignKey(
        MunicipalCluster,
        verbose_name=_("municipal cluster"),
        on_delete=models.CASCADE,
        related_name="representations",
    )
    municipality = models.ForeignKey(
        Actor,
        verbose_name=_("representing municipality"),
        on_delete=models.PROTECT,
        related_name="cluster_representations",
        limit_choices_to={"kind": "municipality"},
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cluster__name", "-starts_on"]
        verbose_name = _("cluster representation")
        verbose_name_plural = _("cluster representations")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="representation_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster}: {self.municipality}"
