"""Tokens of the actors' own systems and the log of every request made with one."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor
from core.append_only import AppendOnly

# The longest a token may live: a system's owner must come back at least once a year or so.
MAX_TOKEN_DAYS = 400


class Scope(models.TextChoices):
    READ_INCIDENTS = "read_incidents", _("Read incidents and situation pictures")
    SUBMIT_REPORTS = "submit_reports", _("Submit situation reports")
    ACKNOWLEDGE_DIRECTIONS = "acknowledge_directions", _("Acknowledge directions")
    READ_REGISTRY = "read_registry", _("Read the actor registry and the forum calendar")


class ApiToken(models.Model):
    """A bearer token of one actor's system. The secret is shown once at creation and kept only
    as a SHA-256 hash of the whole token (``ssr_<id>_<secret>``)."""

    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name of the system"), max_length=120)
    scopes = models.JSONField(_("scopes"), default=list)
    secret_hash = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["actor__name", "-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.actor}: {self.name}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def prefix(self) -> str:
        """What identifies the token in lists and logs (never the secret)."""
        return f"ssr_{self.pk}_…"

    def scope_labels(self) -> list[str]:
        return [str(Scope(s).label) for s in self.scopes if s in Scope.values]


class ApiRequest(models.Model):
    """One request made with a token: who, what, and how it was answered. Append-only."""

    # Protected in the database (core.append_only): nothing may change, nothing be deleted.
    append_only = AppendOnly()

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="requests")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("API request")
        verbose_name_plural = _("API requests")

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"
