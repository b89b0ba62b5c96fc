"""Password change and reset: the account views, plus revoking what a new password must revoke.

A changed password means the old one may be known to someone else, so the secret calendar-feed
address (readable without a login) gets a new token too, and the user is told to subscribe again.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _

from forums.services import calendar_feed_rotate

from . import accounts


class RotateCalendarFeedMixin:
    """For a view whose valid form (with ``form.user``) sets a new password."""

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():  # the new password and the new feed address, or neither
            response = super().form_valid(form)
            rotated = calendar_feed_rotate(user=form.user)
        if rotated is not None:
            messages.warning(
                self.request,
                _(
                    "Your calendar address was changed as well; the old one no longer works. "
                    "Subscribe again with the new address on the Calendar page."
                ),
            )
        return response


class PasswordChangeView(RotateCalendarFeedMixin, auth_views.PasswordChangeView):
    pass


class PasswordResetConfirmView(RotateCalendarFeedMixin, accounts.PasswordResetConfirmView):
    pass
