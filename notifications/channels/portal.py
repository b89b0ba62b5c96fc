"""The inbox in the portal: a message is delivered by being stored."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from ..models import Notification
from .base import Channel, register


@register
class PortalChannel(Channel):
    key = "portal"
    label = _("In the portal")
    unreachable_reason = _("No login.")
    order = 30
    delivered_on_store = True

    def address_for(self, person) -> str:
        return str(person.user_id or "")

    def send(self, notification: Notification, connection: Any = None) -> None:
        """Nothing to send: the row is the message."""
