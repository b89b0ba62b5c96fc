"""Account pages beyond Django's own: password reset through the outbox, logout everywhere."""

import time

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors.models import Person
from core import audit
from forums.services import calendar_feed_rotate
from notifications.models import Channel
from notifications.services import Outgoing, notifications_queue

PASSWORD_RESET_KIND = "password_reset"

# Stands in the queued message where the reset token goes; the token is made at send time.
RESET_TOKEN_PLACEHOLDER = "RESET-TOKEN-MADE-AT-SENDING"


def reset_token(notification) -> dict[str, str]:
    """The outbox asks for the token when it sends: it is never stored. Refused for superusers
    (and for a login that is gone or deactivated): the message then carries no working link."""
    user = get_user_model().objects.filter(pk=notification.object_id, is_active=True).first()
    if user is None or user.is_superuser:
        return {RESET_TOKEN_PLACEHOLDER: "ogiltig"}
    return {RESET_TOKEN_PLACEHOLDER: default_token_generator.make_token(user)}


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the e-mail goes through the outbox like every other message, with
    the link's token made only when it is sent, and never for a superuser (they use
    ``manage.py changepassword``). The page answers the same whether or not a login matched."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if not user.is_superuser)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        context = {**context, "token": RESET_TOKEN_PLACEHOLDER}
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        person = Person.objects.filter(user=user).first()
        # One message per user and minute: a double-clicked form sends one e-mail.
        minute = int(time.time() // 60)
        notifications_queue(
            [
                Outgoing(
                    recipient=person,
                    kind=PASSWORD_RESET_KIND,
                    subject=subject,
                    body=body,
                    reason=_(
                        "Someone asked to reset the password of your login. "
                        "Ignore this if it was not you."
                    ),
                    key=f"password-reset:{user.pk}:{minute}",
                    channels=(Channel.EMAIL,),
                    address=to_email,
                    about=user,
                )
            ]
        )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's confirmation page; a superuser's link never works, and the reset never logs in
    (so it can never stand in for the second factor)."""

    post_reset_login = False

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return None if user is not None and user.is_superuser else user


@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the user, on every device, then this one."""
    user_id = str(request.user.pk)
    # Through the session engine, not the row: the engine drops its cached copy too.
    store = request.session.__class__()
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_id:
            store.delete(session.session_key)
    audit.record(audit.Kind.SESSIONS_ENDED, request=request)
    # Whoever had a session may have copied the secret calendar address too.
    calendar_feed_rotate(user=request.user)
    logout(request)
    messages.success(request, _("You are logged out on every device."))
    return redirect("login")
