"""CAP alerts: a published joint message to the public exported as OASIS CAP 1.2 (the building,
export and pages are in ``incidents.cap``)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.append_only import AppendOnly

from .incidents import JointMessage

__all__ = ["CapAlert"]


class CapAlert(models.Model):
    """One CAP alert message as it was sent: the first export of a joint message is an Alert, a
    later one with other content an Update, the last a Cancel; both of these reference every
    earlier alert of the message. Append-only: the XML is what consumers received."""

    class MsgType(models.TextChoices):
        ALERT = "Alert", _("New alert")
        UPDATE = "Update", _("Update of the alert")
        CANCEL = "Cancel", _("Cancellation of the alert")

    # Protected in the database (core.append_only): nothing may change.
    append_only = AppendOnly()

    message = models.ForeignKey(JointMessage, on_delete=models.PROTECT, related_name="cap_alerts")
    # The sender as it was when sent (``CAP_SENDER``): references must keep naming it.
    sender = models.CharField(_("sender"), max_length=200)
    identifier = models.CharField(_("identifier"), max_length=200, unique=True)
    msg_type = models.CharField(_("message type"), max_length=6, choices=MsgType.choices)
    sent = models.DateTimeField(_("sent"))
    # CAP ``references``: "sender,identifier,sent" of each earlier alert, space-separated.
    references = models.TextField(_("references"), blank=True)
    # What the RKK chose when exporting (CAP 1.2 values).
    urgency = models.CharField(_("urgency"), max_length=12)
    severity = models.CharField(_("severity"), max_length=12)
    certainty = models.CharField(_("certainty"), max_length=12)
    headline = models.CharField(_("headline"), max_length=200)
    instruction = models.TextField(_("instruction"), blank=True)
    note = models.TextField(_("note"), blank=True)
    # The content the alert carries, hashed: an export with the same content is no new alert.
    digest = models.CharField(max_length=64)
    xml = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent", "-pk"]
        verbose_name = _("CAP alert")
        verbose_name_plural = _("CAP alerts")
        constraints = [
            # One Cancel per message: after it, the message has no alert in effect.
            models.UniqueConstraint(
                fields=["message"], condition=models.Q(msg_type="Cancel"), name="cap_one_cancel"
            ),
            # One Alert per message (per publication): the rest are Updates.
            models.UniqueConstraint(
                fields=["message"], condition=models.Q(msg_type="Alert"), name="cap_one_alert"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.msg_type} {self.identifier}"

    @property
    def reference(self) -> str:
        """This alert as a later one references it: "sender,identifier,sent"."""
        return f"{self.sender},{self.identifier},{cap_datetime(self.sent)}"


def cap_datetime(moment: datetime.datetime) -> str:
    """CAP's dateTime: local time to the second with its offset ("2026-12-03T05:10:00+01:00"),
    never "Z" (the schema's pattern refuses it)."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()
