"""Requests for support between actors and their step log (the queries, writes and pages are in
``incidents.support``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor
from core.append_only import AppendOnly

__all__: list[str] = ["SupportRequest", "SupportRequestEvent"]


class SupportRequest(models.Model):
    """A request for support (begäran om stöd) raised in an incident by an actor or by the RSIB:
    what is needed, from whom (some actors, or anyone taking part), by when. One actor accepts
    it and delivers; every step is an event (``SupportRequestEvent``)."""

    class Kind(models.TextChoices):
        RESOURCE = "resource", _("Resource")
        INFORMATION = "information", _("Information")
        DECISION = "decision", _("Decision")

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        NORMAL = "normal", _("Normal")
        LOW = "low", _("Low")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        DELIVERED = "delivered", _("Support delivered")
        CLOSED = "closed", _("No longer needed")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="support_requests"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Empty when the RSIB or the secretariat raises it for the network.
    raised_by_actor = models.ForeignKey(
        Actor,
        verbose_name=_("requesting actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # Search (another part of the portal) reads ``title`` and ``description``: keep the names.
    title = models.CharField(_("what is needed"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    addressed_actors = models.ManyToManyField(
        Actor, verbose_name=_("addressed actors"), related_name="+", blank=True
    )
    to_anyone = models.BooleanField(_("to any actor taking part"), default=False)
    needed_by = models.DateTimeField(_("needed by"))
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answered_by_actor = models.ForeignKey(
        Actor,
        verbose_name=_("accepting actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partial = models.BooleanField(_("partly accepted"), default=False)
    answer_note = models.TextField(_("answer"), blank=True)
    from_report = models.ForeignKey(
        "incidents.SituationReport",
        verbose_name=_("from the situation report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # When it was closed, declined or expired.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request for support")
        verbose_name_plural = _("requests for support")
        indexes = [models.Index(fields=["incident", "status"])]
        constraints = [
            # Accepted or delivered means someone accepted it.
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "delivered"])
                | Q(answered_by_actor__isnull=False),
                name="support_request_accepted_has_actor",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("incidents:support_request_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.OPEN, self.Status.ACCEPTED)


class SupportRequestEvent(models.Model):
    """One step of a request: who, for which actor, what, when. Append-only."""

    # Protected in the database (core.append_only; migration 0011).
    append_only = AppendOnly()

    class Action(models.TextChoices):
        RAISED = "raised", _("Request raised")
        ACCEPTED = "accepted", _("Accepted")
        PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
        DECLINED = "declined", _("Declined")
        DELIVERED = "delivered", _("Support delivered")
        CLOSED = "closed", _("Closed as no longer needed")
        EXPIRED = "expired", _("Expired")

    request = models.ForeignKey(SupportRequest, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("step"), max_length=16, choices=Action.choices)
    # Empty for what the portal does by itself (expiry).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "at", "pk"]
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.get_action_display()}"
