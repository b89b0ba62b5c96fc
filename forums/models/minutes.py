"""The minutes of a meeting and who receives them once approved."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor
from core.append_only import AppendOnly

from .forums import SharingLevel
from .meetings import Meeting


class Minutes(models.Model):
    """The minutes of a meeting: generated, edited, then approved and locked."""

    # Protected in the database (core.append_only): what may still change.
    append_only = AppendOnly(frozen_when="OLD.status = 'approved'")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="minutes"
    )
    body = models.TextField(_("minutes"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    sharing_level = models.CharField(
        _("sharing level"),
        max_length=10,
        choices=SharingLevel.choices,
        default=SharingLevel.FORUM,
        help_text=_("Who besides the forum's seat holders may read the approved minutes."),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Rendered once, in the same update that approves: afterwards the row is frozen, so the
    # document sent to the actors is the one that stays.
    pdf = models.FileField(_("PDF"), upload_to="minutes/", blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(_("Minutes of %(meeting)s") % {"meeting": self.meeting})

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class MinutesRecipient(models.Model):
    """Who gets approved minutes "returned to the home organisation" (sent by notifications).

    Two kinds of row: a seat holder or deputy (``person``), and the organisation itself, once
    per actor with a seat in the forum, at its functional address (``person`` empty,
    ``address`` set) — so an actor whose seat is vacant still gets the minutes home."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="recipients")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "actors.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address = models.EmailField(_("e-mail address"), blank=True)
    # The reason is addressed to the recipient ("You are…"); the capacity describes them to
    # others (the secretariat's list of who got the minutes).
    reason = models.CharField(max_length=300)
    capacity = models.CharField(_("capacity"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes recipient")
        verbose_name_plural = _("minutes recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "person"], name="minutes_recipient_unique_person"
            ),
            models.UniqueConstraint(
                fields=["minutes", "actor"],
                condition=models.Q(person__isnull=True),
                name="minutes_recipient_unique_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.address} ({self.actor})"

    @property
    def is_organisation(self) -> bool:
        return self.person_id is None
