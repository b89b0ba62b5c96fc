"""The outbox. Every message is first a row, written in the caller's transaction; a Celery task
claims the row with a conditional update and a lease and sends it, so nothing is lost and nothing
is sent twice, except the one message a killed worker had in flight (see ``delivery``)."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Person


class Channel:
    """The keys of the built-in channels, for producers to name. The channels themselves (label,
    address, sending) and any others are in ``notifications.channels``."""

    EMAIL = "email"
    SMS = "sms"
    PORTAL = "portal"


def channel_choices() -> list[tuple[str, str]]:
    """The registered channels: a new channel needs no migration."""
    from .channels.base import choices  # the registry; the channel modules import this one

    return choices()


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNREACHABLE = "unreachable", _("Unreachable")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Producers name each message so that a retry of the producing service adds nothing.
    dedupe_key = models.CharField(max_length=200, unique=True)
    # Empty for messages to an address rather than a person (an actor's invoice address).
    recipient = models.ForeignKey(
        Person,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=channel_choices)
    kind = models.CharField(_("kind"), max_length=40)
    address = models.CharField(_("address"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    html = models.TextField(blank=True)
    reason = models.CharField(_("why you got it"), max_length=400)
    link = models.CharField(max_length=500, blank=True)
    attachments = models.JSONField(default=list, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(_("reason for failure"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When the current attempt was claimed (kept for the record; the lease decides staleness).
    sending_started_at = models.DateTimeField(null=True, blank=True)
    # The lease of a row being sent: which claim holds it (a random token per claiming batch)
    # and until when. The worker extends it before each message; the sweep takes back only rows
    # whose lease ran out, and a worker sends only rows it still holds.
    lease_owner = models.CharField(max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # The sweep runs every few seconds: finding no expired lease must be an index probe.
            models.Index(fields=["status", "lease_expires_at"]),
            models.Index(fields=["recipient", "channel", "read_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient or self.address}: {self.subject}"

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED


class KindPolicy(models.Model):
    """The secretariat's limits per kind of message: which channels a user may switch off."""

    kind = models.CharField(_("kind"), max_length=40, unique=True)
    label = models.CharField(_("name"), max_length=100)
    mandatory_channels = models.JSONField(
        _("channels that cannot be switched off"), default=list, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]
        verbose_name = _("notification policy")
        verbose_name_plural = _("notification policies")

    def __str__(self) -> str:
        return self.label


class Preference(models.Model):
    """A user's choice to switch a channel off for a kind of message."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=channel_choices)
    enabled = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}/{self.channel}: {self.enabled}"


class WebhookSubscription(models.Model):
    """An actor's system that wants some events POSTed to it, signed the Standard Webhooks way
    (``notifications.webhooks``). The secret is kept to sign: it is shown once, at creation."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")

    actor = models.ForeignKey(
        "actors.Actor",
        verbose_name=_("actor"),
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
    )
    name = models.CharField(_("name"), max_length=100)
    # The outbox row's address is this URL, so it fits that field.
    url = models.URLField(_("target URL"), max_length=254)
    secret = models.CharField(max_length=100, editable=False)
    event_types = models.JSONField(_("events"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    consecutive_failures = models.PositiveSmallIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
        help_text=_("Told when the subscription is paused after failed deliveries."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["actor__name", "name", "pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return f"{self.actor}: {self.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("notifications:webhook_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
