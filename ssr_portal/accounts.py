"""Account pages beyond Django's own: password reset through the outbox, logout everywhere."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors import audit
from actors.models import Person
from notifications.models import Channel
from notifications.services import Outgoing, notifications_queue


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the e-mail goes through the outbox like every other message."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        person = Person.objects.filter(user=context["user"]).first()
        notifications_queue(
            [
                Outgoing(
                    recipient=person,
                    kind="password_reset",
                    subject=subject,
                    body=body,
                    reason=_(
                        "Someone asked to reset the password of your login. "
                        "Ignore this if it was not you."
                    ),
                    key=f"password-reset:{context['uid']}:{context['token']}",
                    channels=(Channel.EMAIL,),
                    address=to_email,
                )
            ]
        )


@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the user, on every device, then this one."""
    user_id = str(request.user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_id:
            session.delete()
    audit.record(audit.Kind.SESSIONS_ENDED, request=request)
    logout(request)
    messages.success(request, _("You are logged out on every device."))
    return redirect("login")
