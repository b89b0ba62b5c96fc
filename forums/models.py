"""Forums, their seats, and their meetings with agenda, attendance, decisions and minutes.

A forum's composition is never a list of people: it is a list of *seats* (actor or municipal
cluster × function × count), and the people are whoever holds those functions today. Access to a
forum (guardian's ``view_forum``) is a materialised copy of that derivation, kept in step by the
services that change seats, cluster representation and assignments.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from actors.models import Actor, Function, MunicipalCluster
from core.append_only import AppendOnly


class Mode(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary mode")
    ACTIVATED = "activated", _("Activated mode")


class SharingLevel(models.TextChoices):
    """Who may see a shared item. Security-classified information never enters the portal."""

    PUBLIC = "public", _("Public")
    NETWORK = "network", _("The network's members")
    FORUM = "forum", _("This forum only")


class CollaborationLevel(models.Model):
    """A level of the collaboration model (samverkansnivå), plus Regionala rådet above them."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("collaboration level")
        verbose_name_plural = _("collaboration levels")

    def __str__(self) -> str:
        return self.name


class Forum(models.Model):
    """A forum of the network. A standing forum has an ordinary and an activated form: the same
    seats, another name (Regional chefsgrupp ↔ Inriktande forum) while its level is activated."""

    class Kind(models.TextChoices):
        STANDING = "standing", _("Standing forum")
        COUNCIL = "council", _("Council")
        WORKING_GROUP = "working_group", _("Working group")
        THEME_GROUP = "theme_group", _("Theme group")
        COMMITTEE = "committee", _("Committee")

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STANDING)
    level = models.ForeignKey(
        CollaborationLevel,
        verbose_name=_("collaboration level"),
        on_delete=models.PROTECT,
        related_name="forums",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subforums",
        help_text=_("For working groups, theme groups and committees under a forum."),
    )
    purpose = models.TextField(_("purpose and mandate"), blank=True)
    convening_actor = models.ForeignKey(
        Actor,
        verbose_name=_("convening actor"),
        on_delete=models.PROTECT,
        related_name="convened_forums",
    )
    activated_name = models.CharField(
        _("name in activated mode"),
        max_length=150,
        blank=True,
        help_text=_("E.g. Inriktande forum. Empty if the forum has no activated form."),
    )
    co_location_name = models.CharField(
        _("co-location in activated mode"),
        max_length=150,
        blank=True,
        help_text=_("E.g. Samverkansstab: the optional physical co-location when activated."),
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ORDINARY)
    is_active = models.BooleanField(_("active"), default=True)
    escalation_minutes = models.PositiveSmallIntegerField(
        _("escalation after (minutes)"),
        default=15,
        help_text=_(
            "A seat that has not acknowledged an activation alert within this time is alerted "
            "again with its deputies; after as long again the RSIB on duty is told."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["level__position", "name"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        constraints = [
            models.CheckConstraint(
                condition=Q(mode="ordinary") | ~Q(activated_name=""),
                name="forum_activated_needs_activated_form",
            ),
        ]

    def __str__(self) -> str:
        return self.current_name

    def get_absolute_url(self) -> str:
        return reverse("forums:forum_detail", args=[self.pk])

    @property
    def current_name(self) -> str:
        if self.mode == Mode.ACTIVATED and self.activated_name:
            return self.activated_name
        return self.name

    @property
    def has_activated_form(self) -> bool:
        return bool(self.activated_name)


class ForumUserObjectPermission(UserObjectPermissionBase):
    """guardian's direct foreign-key table for forum permissions (fast joins, no generic FK)."""

    content_object = models.ForeignKey(Forum, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("forum permission")
        verbose_name_plural = _("forum permissions")


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


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ORDINARY)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=300, blank=True)
    virtual_link = models.URLField(_("virtual meeting room"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    # Calendar clients replace an event with the same UID and a higher SEQUENCE.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_it_starts"
            ),
        ]
        indexes = [models.Index(fields=["forum", "starts_at"])]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("forums:meeting_detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        return self.title or str(self.forum.name)

    @property
    def ical_uid(self) -> str:
        return f"meeting-{self.uid}@ssr-portal"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    presenter = models.ForeignKey(
        Actor,
        verbose_name=_("presented by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_unique_position")
        ]

    def __str__(self) -> str:
        return f"§{self.position} {self.title}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.meeting_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file on a meeting or agenda item; stored outside the static path, served by a view that
    checks the forum permission and the sharing level."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attachments"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sharing_level = models.CharField(
        _("sharing level"), max_length=10, choices=SharingLevel.choices, default=SharingLevel.FORUM
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("forums:attachment_download", args=[self.pk])


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        DEPUTY_PRESENT = "deputy_present", _("Deputy present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    seat = models.ForeignKey(
        Seat, verbose_name=_("seat"), on_delete=models.PROTECT, related_name="attendance"
    )
    status = models.CharField(_("attendance"), max_length=20, choices=Status.choices)
    attendee = models.CharField(
        _("attended by"), max_length=200, blank=True, help_text=_("Name of who attended.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "seat"], name="attendance_unique_seat")
        ]

    def __str__(self) -> str:
        return f"{self.seat.holder_label}: {self.get_status_display()}"


class DecisionCounter(models.Model):
    """The last decision number per forum and year; locked while numbering (gapless)."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["forum", "year"], name="decision_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.forum_id}/{self.year}: {self.last_number}"


class Decision(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="decisions"
    )
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.PROTECT, related_name="decisions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("decision"))
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("decided at item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "year", "number"], name="decision_unique_number"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.year}:{self.number}"


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="action_items"
    )
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), on_delete=models.PROTECT, related_name="action_items"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        Actor, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="action_items"
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


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
    """Who gets approved minutes "returned to the home organisation" (sent by notifications)."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="recipients")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("actors.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes recipient")
        verbose_name_plural = _("minutes recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "person"], name="minutes_recipient_unique_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.actor})"


class CalendarFeed(models.Model):
    """A user's secret iCalendar feed address; regenerating the token revokes the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)
    # When the address was last replaced, so the calendar page can tell the user to subscribe
    # again (a password change or "log out everywhere" replaces it without their asking).
    rotated_at = models.DateTimeField(_("address changed"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
