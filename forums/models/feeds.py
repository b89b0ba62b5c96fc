"""Each user's secret calendar feed address."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
