"""The portal's shared records: the audit trail.

``AuditEvent`` was born in the actors app and keeps its table, ``actors_auditevent`` (the
database triggers, privileges and the owner's purge and scrub functions name it).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .append_only import AppendOnly

# The database refuses to delete audit events younger than this (SQL interval), whoever asks:
# the retention purge cannot be turned against the recent trail (AUDIT_RETENTION_DAYS >= 30).
AUDIT_DELETE_AFTER = "30 days"


class AuditEvent(models.Model):
    """Something security-relevant that happened: a login, a lockout, a 2FA change, a permission
    granted or withdrawn, a restricted file downloaded, an export. Written once, never changed
    (a database trigger refuses updates); deleted only by the retention purge.

    Changes to domain records are in their own history (django-simple-history); these are the
    events that change no record but still must be traceable.
    """

    # Protected in the database (core.append_only): what may still change.
    append_only = AppendOnly(
        clear_only=("user", "subject_user", "content_type"),
        scrubbed=("username", "object_repr"),
        delete_after=AUDIT_DELETE_AFTER,
    )

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logout")
        LOCKOUT = "lockout", _("Locked out")
        UNLOCK = "unlock", _("Lock lifted")
        OTP_ENROLLED = "otp_enrolled", _("Two-factor enrolled")
        OTP_RESET = "otp_reset", _("Two-factor reset")
        OTP_CODES = "otp_codes", _("Backup codes renewed")
        OTP_FAILED = "otp_failed", _("Failed two-factor code")
        SESSIONS_ENDED = "sessions_ended", _("Logged out everywhere")
        PERMISSION_GRANTED = "permission_granted", _("Permission granted")
        PERMISSION_WITHDRAWN = "permission_withdrawn", _("Permission withdrawn")
        GROUP_ADDED = "group_added", _("Added to group")
        GROUP_REMOVED = "group_removed", _("Removed from group")
        GROUP_PERMISSION_GRANTED = "group_permission_granted", _("Permission granted to group")
        GROUP_PERMISSION_WITHDRAWN = (
            "group_permission_withdrawn",
            _("Permission withdrawn from group"),
        )
        CALENDAR_DOWNLOADED = "calendar_downloaded", _("Meeting calendar downloaded")
        CALENDAR_FEED_FETCHED = "calendar_feed_fetched", _("Calendar feed fetched")
        DOWNLOAD = "download", _("Restricted file downloaded")
        EXPORT = "export", _("Export")
        PERSON_EXPORTED = "person_exported", _("Personal data exported")
        PERSON_ANONYMISED = "person_anonymised", _("Person anonymised")
        OIDC_REFUSED = "oidc_refused", _("Login through identity provider refused")
        OIDC_MFA = "oidc_mfa", _("Two-factor asserted by identity provider")
        SIGNUP_REQUESTED = "signup_requested", _("Sign-up requested")
        SIGNUP_APPROVED = "signup_approved", _("Sign-up approved")
        SIGNUP_REJECTED = "signup_rejected", _("Sign-up rejected")

    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concerns user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("object type"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        db_table = "actors_auditevent"
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"


class IdempotencyKey(models.Model):
    """One submit of a form whose repetition would have an outside effect (an activation, a
    publication, an invoice run): the key the form carried and where its first submit led. A
    repeated submit with the same key is sent there instead of acting again
    (``core.idempotency``). Kept for a day; not a domain record, so it has no history."""

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    path = models.CharField(max_length=300)
    response_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.path} ({self.key})"
