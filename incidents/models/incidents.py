"""Activated mode: the on-call roster, incidents and what the network shares during them.

Reports, published pictures and the incident log are append-only: a correction is a new row.
"""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from actors.models import Actor, Person
from core.append_only import AppendOnly
from forums.models import Forum, SharingLevel

# --- Prepared directions --------------------------------------------------------------------


class EventType(models.Model):
    """A type of event (typhändelse) with prepared regional directions."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("event type")
        verbose_name_plural = _("event types")

    def __str__(self) -> str:
        return self.name


class PreparedDirection(models.Model):
    event_type = models.ForeignKey(
        EventType,
        verbose_name=_("event type"),
        on_delete=models.PROTECT,
        related_name="prepared_directions",
    )
    title = models.CharField(_("title"), max_length=200)
    action_plan = models.TextField(_("action plan"))
    checklist = models.TextField(_("checklist"), blank=True, help_text=_("One item per line."))
    message_templates = models.TextField(_("message templates"), blank=True)
    owner = models.ForeignKey(
        Actor, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    review_due = models.DateField(_("review due"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["event_type__name", "title"]
        verbose_name = _("prepared direction")
        verbose_name_plural = _("prepared directions")

    def __str__(self) -> str:
        return self.title


# --- Incidents ------------------------------------------------------------------------------


class Incident(models.Model):
    class Status(models.TextChoices):
        ACTIVATED = "activated", _("Activated")
        DEACTIVATED = "deactivated", _("Deactivated")
        FOLLOWED_UP = "followed_up", _("Followed up")

    title = models.CharField(_("title"), max_length=200)
    event_type = models.ForeignKey(
        EventType,
        verbose_name=_("event type"),
        on_delete=models.PROTECT,
        related_name="incidents",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVATED
    )
    is_exercise = models.BooleanField(_("exercise"), default=False)
    wis_link = models.URLField(_("WIS space"), blank=True)
    # The first meeting of the activated forums, told in the activation alert.
    meets_at = models.DateTimeField(_("first meeting"), null=True, blank=True)
    meeting_place = models.CharField(_("meeting place"), max_length=300, blank=True)
    meeting_link = models.URLField(
        _("virtual meeting room"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    affected_municipalities = models.ManyToManyField(
        Actor, verbose_name=_("affected municipalities"), related_name="+", blank=True
    )
    activated_forums = models.ManyToManyField(
        Forum, verbose_name=_("activated forums"), related_name="incidents", blank=True
    )
    reporting_interval_minutes = models.PositiveIntegerField(
        _("reporting rhythm (minutes)"), default=120
    )
    # Copied from the prepared direction at activation, so later edits of the library do not
    # rewrite what the incident started from.
    prepared_direction = models.ForeignKey(
        PreparedDirection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action_plan = models.TextField(_("action plan"), blank=True)
    checklist = models.TextField(_("checklist"), blank=True)
    message_templates = models.TextField(_("message templates"), blank=True)
    activated_at = models.DateTimeField(_("activated"))
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    # The signal that led to the activation: one incident per signal, whoever activates at once.
    from_signal = models.OneToOneField(
        "Signal",
        verbose_name=_("signal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activated_incident",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-activated_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        prefix = _("EXERCISE") + ": " if self.is_exercise else ""
        return f"{prefix}{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:incident_detail", args=[self.pk])

    @property
    def is_deactivated(self) -> bool:
        return self.status == self.Status.DEACTIVATED

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVATED


class IncidentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Incident, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("incident permission")
        verbose_name_plural = _("incident permissions")


class Signal(models.Model):
    """A member's signal that collaboration is needed (samverkansbehov)."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACTIVATED = "activated", _("Led to activation")
        DISMISSED = "dismissed", _("Dismissed")

    actor = models.ForeignKey(
        Actor, verbose_name=_("signalling actor"), on_delete=models.PROTECT, related_name="+"
    )
    signalled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    what = models.TextField(_("what has happened"))
    municipalities = models.ManyToManyField(
        Actor, verbose_name=_("municipalities affected"), related_name="+", blank=True
    )
    assessment = models.TextField(_("your assessment"))
    is_exercise = models.BooleanField(_("exercise"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="signals"
    )
    # When the signal went to the fallback (the RKK on duty and the secretariat's duty address):
    # at once when no RSIB was on duty, else when nobody had seen it in time. Set once.
    escalated_at = models.DateTimeField(_("sent to the fallback"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")

    def __str__(self) -> str:
        return f"{self.actor}: {self.what[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:signal_detail", args=[self.pk])

    @property
    def is_new(self) -> bool:
        return self.status == self.Status.NEW


class SignalReceipt(models.Model):
    """One line of a signal's receipt list: someone it was sent to (the RSIB on duty; as the
    fallback the RKK on duty and the secretariat's duty address) or someone who opened it in the
    portal unasked, and when and how they saw it."""

    class Role(models.TextChoices):
        RSIB = "rsib", _("RSIB on duty")
        RKK = "rkk", _("RKK on duty")
        SECRETARIAT = "secretariat", _("Secretariat duty officer")

    class Via(models.TextChoices):
        EMAIL = "email", _("E-mail link")
        SMS = "sms", _("SMS link")
        PORTAL = "portal", _("In the portal")

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="receipts")
    # One line per recipient: "rsib:<person id>", "rkk:<person id>", "secretariat:duty" (the
    # duty address), "secretariat:<person id>" or "user:<user id>" (opened it in the portal).
    key = models.CharField(max_length=40)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The duty address (e-mail and phone) when the line is not a person.
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Empty: not alerted (opened the signal in the portal on their own).
    alerted_at = models.DateTimeField(_("alerted"), null=True, blank=True)
    fallback = models.BooleanField(_("fallback"), default=False)
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seen_via = models.CharField(_("seen via"), max_length=10, choices=Via.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["signal", "pk"]
        verbose_name = _("signal receipt")
        verbose_name_plural = _("signal receipts")
        constraints = [
            models.UniqueConstraint(fields=["signal", "key"], name="signal_receipt_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.signal_id}: {self.key}"

    @property
    def who(self) -> str:
        """The name shown in the receipt list."""
        if self.person_id:
            return self.person.full_name
        if self.seen_by_id and not self.address:
            return self.seen_by.get_full_name() or self.seen_by.get_username()
        return str(_("The secretariat's duty address"))


class LogEntry(models.Model):
    """The incident's timeline. Append-only."""

    # Protected in the database (core.append_only): what may still change.
    append_only = AppendOnly()

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="log")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(max_length=30)
    text = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.text[:60]}"


class ActorStatus(models.Model):
    """An actor's status in an incident; the newest row is the current one (history kept)."""

    class Status(models.TextChoices):
        # Alerted, acknowledged and reporting follow by themselves (activation, the first
        # acknowledgement for the actor, its first report); the others are set by hand.
        ALERTED = "alerted", _("Alerted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        REPORTING = "reporting", _("Reporting")
        STANDING_BY = "standing_by", _("Standing by")
        ACTIVE = "active", _("Active")
        UNABLE = "unable", _("Unable")
        NOT_INVOLVED = "not_involved", _("Not involved")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="actor_statuses")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "actor", "-set_at", "-pk"]
        verbose_name = _("actor status")
        verbose_name_plural = _("actor statuses")

    def __str__(self) -> str:
        return f"{self.actor}: {self.get_status_display()}"


class ImpactLevel(models.TextChoices):
    NORMAL = "normal", _("Normal")
    STRAINED = "strained", _("Strained")
    SEVERE = "severe", _("Severely strained")
    CRITICAL = "critical", _("Critical")


IMPACT_ORDER = {level: index for index, level in enumerate(ImpactLevel.values)}


class SituationReport(models.Model):
    """An actor's report of its own situation (lägesrapport). Append-only: a correction is a
    new version."""

    # Protected in the database (core.append_only): what may still change.
    append_only = AppendOnly()

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="reports")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    situation = models.TextField(_("current situation"))
    consequences = models.TextField(_("consequences for society's functions"), blank=True)
    actions_taken = models.TextField(_("actions taken"), blank=True)
    needs = models.TextField(_("needs and requests to other actors"), blank=True)
    planned_actions = models.TextField(_("planned actions"), blank=True)
    communication = models.TextField(_("own communication"), blank=True)
    impact = models.CharField(_("impact level"), max_length=10, choices=ImpactLevel.choices)
    next_report_due = models.DateTimeField(_("next report due"), null=True, blank=True)
    sharing_level = models.CharField(
        _("sharing level"), max_length=10, choices=SharingLevel.choices, default=SharingLevel.FORUM
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "actor", "-version"]
        verbose_name = _("situation report")
        verbose_name_plural = _("situation reports")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "actor", "version"], name="report_unique_version"
            )
        ]
        indexes = [models.Index(fields=["incident", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.actor} v{self.version}"


class SituationPicture(models.Model):
    """A published version of the common situation picture (samlad lägesbild) for one audience.
    Append-only: the snapshot of actor statuses is frozen at publication."""

    # Protected in the database (core.append_only): what may still change.
    append_only = AppendOnly(set_once=("pdf", "announced_at"))

    class Audience(models.TextChoices):
        FULL = "full", _("Full version for the activated forums")
        SHORT = "short", _("Short version for indirectly affected actors")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="pictures")
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    version = models.PositiveIntegerField()
    summary = models.TextField(_("summary"))
    needs_and_requests = models.TextField(_("needs and requests"), blank=True)
    actor_snapshot = models.JSONField(default=list)
    # Directions in force and published joint messages at publication, frozen with the picture.
    directions_snapshot = models.JSONField(default=list)
    messages_snapshot = models.JSONField(default=list)
    # The open requests for support at publication (incidents.support.selectors.snapshot).
    requests_snapshot = models.JSONField(default=list)
    sharing_level = models.CharField(
        _("sharing level"), max_length=10, choices=SharingLevel.choices, default=SharingLevel.FORUM
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    reports = models.ManyToManyField(SituationReport, related_name="+", blank=True)
    pdf = models.FileField(upload_to="pictures/", blank=True)
    # When a worker told the readers (notifications and webhooks), after the publication's
    # commit; empty until then, and the beat sweep queues it again if that hand-over was lost.
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "audience", "-version"]
        verbose_name = _("situation picture")
        verbose_name_plural = _("situation pictures")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "audience", "version"], name="picture_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident} – {self.get_audience_display()} v{self.version}"


class Direction(models.Model):
    """A direction (inriktning) decided by the direction forum; each actor acknowledges it."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="directions")
    text = models.TextField(_("direction"))
    decided_at = models.DateTimeField(_("decided"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")

    def __str__(self) -> str:
        return self.text[:80]


class DirectionAcknowledgement(models.Model):
    direction = models.ForeignKey(
        Direction, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["direction", "actor"], name="ack_unique_actor")
        ]

    def __str__(self) -> str:
        return f"{self.actor}: {self.direction}"


class JointMessage(models.Model):
    """A joint message (gemensamt budskap): drafted, co-signed by its senders, approved, then
    published. A draft or an approved message can be edited (back to draft, signatures cleared
    when the wording changes) or withdrawn with a reason; a published one is history."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        # Not "Approved": that msgid is the minutes' state ("Justerat") in Swedish.
        APPROVED = "approved", _("Approved for publication")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="messages")
    target_group = models.CharField(_("target group"), max_length=200)
    channel = models.CharField(_("channel"), max_length=100)
    text = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    senders = models.ManyToManyField(
        Actor, through="JointMessageSender", related_name="+", verbose_name=_("senders")
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Counts the edits: the notices of an edit carry it, so each edit is told once.
    revision = models.PositiveIntegerField(default=1)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("joint message")
        verbose_name_plural = _("joint messages")

    def __str__(self) -> str:
        return f"{self.target_group}: {self.text[:60]}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    @property
    def is_open(self) -> bool:
        """Still being worked on: it can be edited or withdrawn."""
        return self.status in (self.Status.DRAFT, self.Status.APPROVED)


class JointMessageSender(models.Model):
    message = models.ForeignKey(JointMessage, on_delete=models.CASCADE, related_name="signatures")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "actor"], name="sender_unique_actor")
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({'✓' if self.signed_at else '…'})"


class FollowUp(models.Model):
    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="follow_up")
    evaluation = models.TextField(_("evaluation"))
    lessons = models.TextField(_("lessons"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return str(self.incident)


class FollowUpAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        Actor, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    prepared_direction = models.ForeignKey(
        PreparedDirection,
        verbose_name=_("prepared direction to change"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self) -> str:
        return self.title


class SeatAlert(models.Model):
    """The activation alert of one seat: who was alerted, and who acknowledged, when and how."""

    class Via(models.TextChoices):
        EMAIL = "email", _("E-mail link")
        SMS = "sms", _("SMS")
        PORTAL = "portal", _("In the portal")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="alerts")
    seat = models.ForeignKey("forums.Seat", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, null=True, related_name="+")
    alerted_at = models.DateTimeField(auto_now_add=True)
    wave = models.PositiveSmallIntegerField(default=1)
    escalated_at = models.DateTimeField(null=True, blank=True)
    rsib_told_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_via = models.CharField(max_length=10, choices=Via.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "pk"]
        verbose_name = _("seat alert")
        verbose_name_plural = _("seat alerts")
        constraints = [
            models.UniqueConstraint(fields=["incident", "seat"], name="seat_alert_unique")
        ]

    def __str__(self) -> str:
        return f"{self.incident}: {self.seat_id}"


class ActorAlert(models.Model):
    """The alert of an involved actor at its 24/7 address (its duty officer or functional
    mailbox): sent when no seat holder can be reached (a vacant seat, nobody with a contact
    path), when the actor has no seat (an affected municipality), or when its people stay silent
    past the escalation time. The addresses used are kept as they were."""

    class Reason(models.TextChoices):
        NO_SEAT = "no_seat", _("No seat in the activated forums")
        VACANT = "vacant", _("Seat vacant or nobody reachable")
        SILENT = "silent", _("No acknowledgement from its people")

    class Via(models.TextChoices):
        DUTY = "duty", _("Link to the 24/7 address")
        PORTAL = "portal", _("In the portal")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actor_alerts")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    label = models.CharField(_("answered by"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    alerted_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # A person when acknowledged in the portal; the name typed on the link's page otherwise.
    acknowledged_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_name = models.CharField(_("acknowledged by"), max_length=100, blank=True)
    acknowledged_via = models.CharField(max_length=10, choices=Via.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "pk"]
        verbose_name = _("actor alert")
        verbose_name_plural = _("actor alerts")
        constraints = [
            models.UniqueConstraint(fields=["incident", "actor"], name="actor_alert_unique")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.actor_id}"

    @property
    def acknowledged_who(self) -> str:
        if self.acknowledged_by_id:
            return self.acknowledged_by.full_name
        return self.acknowledged_name or self.label
