"""Coordination conferences: attendance, the status round, decisions, actions and the protocol
(the queries, writes and pages are in ``incidents.conferences``)."""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor
from core.append_only import AppendOnly
from forums.models import Forum

__all__ = [
    "Conference",
    "ConferenceAttendance",
    "StatusRoundEntry",
    "ConferenceDecision",
    "ConferenceAction",
    "ConferenceProtocol",
]


class Conference(models.Model):
    """A coordination conference (samverkanskonferens) of an incident, called by the RSIB."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="conferences"
    )
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(8 * 60)],
    )
    dial_in = models.CharField(_("dial-in"), max_length=300, blank=True)
    room_url = models.URLField(
        _("virtual room"), blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    forums = models.ManyToManyField(Forum, verbose_name=_("forums"), related_name="+")
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PLANNED
    )
    # Calendar clients replace an event with the same UID and a higher SEQUENCE.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("coordination conference")
        verbose_name_plural = _("coordination conferences")
        indexes = [models.Index(fields=["incident", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:conference_detail", args=[self.pk])

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def ical_uid(self) -> str:
        return f"conference-{self.uid}@ssr-portal"

    @property
    def is_open(self) -> bool:
        """Still being held or to be held: its record may change."""
        return self.state in (self.State.PLANNED, self.State.HELD)

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED


class ConferenceAttendance(models.Model):
    """Whether an actor took part in a conference, as the coordinator recorded it."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="attendance")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["conference", "actor__name"]
        verbose_name = _("conference attendance")
        verbose_name_plural = _("conference attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "actor"], name="conference_attendance_unique_actor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor}: {self.present}"


class StatusRoundEntry(models.Model):
    """An actor's turn in the status round, as spoken (prefilled from its newest report)."""

    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="round_entries"
    )
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+")
    situation = models.TextField(_("situation"), blank=True)
    impact = models.CharField(
        _("impact level"),
        max_length=10,
        blank=True,
        choices=[
            ("normal", _("Normal")),
            ("strained", _("Strained")),
            ("severe", _("Severely strained")),
            ("critical", _("Critical")),
        ],
    )
    needs = models.TextField(_("needs"), blank=True)
    # The report the entry started from, if any.
    from_report = models.ForeignKey(
        "incidents.SituationReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["conference", "actor__name"]
        verbose_name = _("status round entry")
        verbose_name_plural = _("status round entries")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "actor"], name="status_round_unique_actor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor}: {self.situation[:60]}"


class ConferenceDecision(models.Model):
    """A decision taken in a conference, numbered in the order taken."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("decision"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["conference", "number"]
        verbose_name = _("conference decision")
        verbose_name_plural = _("conference decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "number"], name="conference_decision_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class ConferenceAction(models.Model):
    """An action taken in a conference, with the actor that owns it and when it is due. It is
    followed up after the conference is closed: only its done state changes then."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="actions")
    text = models.TextField(_("action"))
    owner = models.ForeignKey(
        Actor, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("conference action")
        verbose_name_plural = _("conference actions")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ConferenceProtocol(models.Model):
    """The short protocol written when a conference is closed: attendance, status round,
    decisions and actions as they stood. Append-only."""

    # Protected in the database (core.append_only): nothing may change.
    append_only = AppendOnly()

    conference = models.OneToOneField(Conference, on_delete=models.PROTECT, related_name="protocol")
    # The frozen content: {"attendance": [...], "round": [...], "decisions": [...],
    # "actions": [...]}, rendered by the page and the PDF.
    content = models.JSONField(default=dict)
    text = models.TextField(_("protocol"))
    log_entry = models.OneToOneField(
        "incidents.LogEntry", on_delete=models.PROTECT, related_name="conference_protocol"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conference protocol")
        verbose_name_plural = _("conference protocols")

    def __str__(self) -> str:
        return str(self.conference)
