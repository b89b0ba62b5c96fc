"""A request of the walk's world (tests/world.py), made when a walk first asks for it: the
object-access, form and query walks list the request pages with it."""

import datetime

from django.utils import timezone

from incidents.models import SupportRequest
from incidents.support import services
from tests.world import MARKER


def world_request(world: dict) -> SupportRequest:
    """The RSIB asks every actor of the world's incident for something (once per world)."""
    if "support_request" not in world:
        world["support_request"] = services.support_request_raise(
            incident=world["incident"],
            by=world["rsib"],
            actor=None,
            kind="information",
            title=f"Begäran {MARKER}",
            description=f"Beskrivning {MARKER}",
            to_anyone=True,
            needed_by=timezone.now() + datetime.timedelta(hours=4),
        )
    return world["support_request"]
