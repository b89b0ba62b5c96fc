"""The message kinds requests for support send; registered by the incidents app's ``ready()``,
so every process knows them."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import register_kind


def register() -> None:
    # Being asked is part of the joint work: it always reaches the inbox.
    register_kind(
        "support_request",
        label=_("Requests for support to my actor"),
        mandatory_channels=("portal",),
    )
    register_kind("support_request_answer", label=_("Answers to my requests for support"))
