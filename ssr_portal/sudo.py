"""Sudo mode: actions that could strip someone's protection (resetting their second factor) need
the password entered again within the last few minutes, not only a logged-in session.

The password is checked through ``authenticate()``, so wrong guesses count towards the same
lockout (django-axes) as wrong guesses at the login page.
"""

import time

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

SESSION_KEY = "_sudo_at"


def sudo_is_fresh(request: HttpRequest) -> bool:
    confirmed_at = request.session.get(SESSION_KEY, 0)
    return time.time() - confirmed_at < settings.SUDO_MODE_SECONDS


def sudo_confirm(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = int(time.time())
    request.session.cycle_key()  # a new session id for the session that may now do more


class SudoForm(forms.Form):
    """Asks for the user's own password; valid only when it is right."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Enter your password again to confirm that it is you."),
    )

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = authenticate(
            self.request, username=self.request.user.get_username(), password=password
        )
        if user is None or user.pk != self.request.user.pk:
            raise forms.ValidationError(_("The password is wrong."), code="wrong_password")
        return password
