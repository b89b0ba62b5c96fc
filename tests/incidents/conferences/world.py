"""Conference and checklist objects of the URL-conf walks' world (tests/world.py), made on
first use and kept in the world: a planned conference with an action, a closed conference with
its protocol, and a checklist item, all of the world's incident and carrying its MARKER."""

from incidents.checklist import services as checklist_services
from incidents.conferences import services
from tests.incidents.conferences.conftest import begun, schedule
from tests.world import MARKER


def extra(world: dict) -> dict:
    if "conference" not in world:
        incident, rsib, forum = world["incident"], world["rsib"], world["forum"]
        conference, closed = schedule(
            incident, rsib, forum, repeat_count=2, repeat_every_minutes=60
        )
        world["conference"] = conference
        world["conference_action"] = services.conference_action_add(
            conference=conference, by=rsib, text=f"Åtgärd {MARKER}", owner=world["actor"]
        )
        services.conference_attendance_record(
            conference=closed, by=rsib, present={world["actor"].pk: True}
        )
        services.status_round_entry_save(
            conference=closed, by=rsib, actor=world["actor"], situation=f"Läge {MARKER}"
        )
        services.conference_decision_add(conference=closed, by=rsib, text=f"Beslut {MARKER}")
        services.conference_close(conference=begun(closed), by=rsib)
        world["closed_conference"] = closed
        world["checklist_item"] = checklist_services.checklist_item_add(
            incident=incident, by=rsib, text=f"Punkt {MARKER}", owner=world["actor"]
        )
    return world


def conference(world: dict) -> dict:
    return {"pk": extra(world)["conference"].pk}


def closed_conference(world: dict) -> dict:
    return {"pk": extra(world)["closed_conference"].pk}


def conference_action(world: dict) -> dict:
    return {"pk": extra(world)["conference_action"].pk}


def checklist_item(world: dict) -> dict:
    return {"pk": extra(world)["checklist_item"].pk}
