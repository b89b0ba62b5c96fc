"""A channel that exists only in the tests: a pager, reached at the person's mobile number.

This file is the whole of a new channel; a real one would read an address field of its own.
"""

from typing import Any

from notifications.channels import Channel

# What the pager "sent": (address, text).
paged: list[tuple[str, str]] = []


class PagerChannel(Channel):
    key = "pager"
    label = "Pager"
    unreachable_reason = "No pager number registered."
    order = 40

    def address_for(self, person) -> str:
        return person.mobile

    def body_for(self, message) -> str:
        return message.sms or message.subject

    def send(self, notification, connection: Any = None) -> None:
        paged.append((notification.address, notification.body))
