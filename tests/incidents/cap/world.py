"""The CAP objects of the URL-conf walks' world (tests/world.py), made on first use: a
published joint message of the world's incident, carrying its MARKER, with one exported alert."""

from incidents.cap import services
from tests.incidents.cap.conftest import published
from tests.world import MARKER


def extra(world: dict) -> dict:
    if "cap_message" not in world:
        message = published(
            world["incident"],
            senders=[world["actor"]],
            rkk=world["rkk"],
            cosigner=world["rsib"],
            text=f"Budskap till allmänheten {MARKER}",
        )
        world["cap_message"] = message
        world["cap_alert"] = services.cap_export(
            message=message,
            urgency="Expected",
            severity="Moderate",
            certainty="Likely",
            by=world["rkk"],
        )
    return world


def message(world: dict) -> dict:
    return {"pk": extra(world)["cap_message"].pk}


def alert(world: dict) -> dict:
    return {"pk": extra(world)["cap_alert"].pk}
