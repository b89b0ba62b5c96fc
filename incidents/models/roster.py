"""The on-call roster's models: RSIB, RKK and TiB shifts and requested changes to them. They
belong to the incidents app (its migrations, its tables) and are importable from
``incidents.models``."""

from datetime import UTC

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor, Person


class OnCallRole(models.TextChoices):
    RSIB = "rsib", _("RSIB – regional collaboration coordinator on call")
    RKK = "rkk", _("RKK – regional communication coordinator on call")
    TIB = "tib", _("TiB – Länsstyrelsen's duty officer")


# The roles that coordinate the network (and so log in with two factors while on duty).
COORDINATOR_ROLES = (OnCallRole.RSIB, OnCallRole.RKK)


class Shift(models.Model):
    role = models.CharField(_("role"), max_length=10, choices=OnCallRole.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="shifts"
    )
    lending_actor = models.ForeignKey(
        Actor,
        verbose_name=_("lending actor"),
        on_delete=models.PROTECT,
        related_name="lent_shifts",
        help_text=_("The member actor that staffs the shift (for reimbursement)."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    handover_note = models.TextField(_("handover note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_it_starts"
            )
        ]
        indexes = [models.Index(fields=["role", "starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person} ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def hours(self) -> float:
        # In UTC: Python subtracts two datetimes of the same zone by wall clock, which would make
        # a DST night 24 hours instead of its real 23 or 25.
        return (
            self.ends_at.astimezone(UTC) - self.starts_at.astimezone(UTC)
        ).total_seconds() / 3600


class ShiftChange(models.Model):
    """A request to swap a shift to someone else, approved by the secretariat."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="changes"
    )
    new_person = models.ForeignKey(
        Person, verbose_name=_("new person"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("shift change")
        verbose_name_plural = _("shift changes")

    def __str__(self) -> str:
        return f"{self.shift} → {self.new_person}"
