"""The outbox's message kinds of conferences, registered by the incidents app's ``ready()``."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import register_kind


def register() -> None:
    register_kind(
        "conference_invitation",
        label=_("Coordination conferences"),
        mandatory_channels=("email", "portal"),
    )
