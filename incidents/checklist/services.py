"""Every change of the live checklist goes through here and is written to the incident log."""

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from actors.models import Actor
from core.rules import require

from .. import selectors
from ..models import ChecklistItem, Incident
from ..timeline import log


def may_tick(user: Any, item: ChecklistItem) -> bool:
    """The coordinator, or the people of the item's owner actor."""
    if selectors.can_coordinate(user):
        return True
    return item.owner_id is not None and any(
        a.pk == item.owner_id for a in selectors.user_actors(user)
    )


def checklist_create_from_text(*, incident: Incident, text: str) -> list[ChecklistItem]:
    """One open item per non-empty line of the checklist copied at activation. Called inside
    the activation's transaction."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return bulk_create_with_history(
        [
            ChecklistItem(incident=incident, position=n, text=line[:500])
            for n, line in enumerate(lines, start=1)
        ],
        ChecklistItem,
        default_user=incident.activated_by,
    )


def _locked_incident(incident: Incident) -> Incident:
    # Serialises the numbering of new items: two coordinators adding at once get 1 and 2.
    return Incident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic(durable=True)
def checklist_item_add(
    *, incident: Incident, by: Any, text: str, owner: Actor | None = None
) -> ChecklistItem:
    require(
        selectors.can_coordinate(by), _("Only the RSIB on duty or the secretariat can do this.")
    )
    incident = _locked_incident(incident)
    require(incident.is_active, _("The incident is not activated."))
    text = text.strip()
    require(bool(text), _("Write the checklist item."))
    last = incident.checklist_items.aggregate(last=Max("position"))["last"] or 0
    item = ChecklistItem.objects.create(
        incident=incident, position=last + 1, text=text[:500], owner=owner
    )
    log(
        incident,
        by,
        "checklist",
        _("Checklist item %(number)s added: %(text)s") % {"number": item.position, "text": text},
    )
    return item


@transaction.atomic(durable=True)
def checklist_item_set_owner(*, item: ChecklistItem, by: Any, owner: Actor | None) -> ChecklistItem:
    require(
        selectors.can_coordinate(by), _("Only the RSIB on duty or the secretariat can do this.")
    )
    item = ChecklistItem.objects.select_for_update().select_related("incident").get(pk=item.pk)
    require(item.incident.is_active, _("The incident is not activated."))
    if item.owner_id != (owner.pk if owner else None):
        item.owner = owner
        item.save(update_fields=["owner"])
        log(
            item.incident,
            by,
            "checklist",
            _("Checklist item %(number)s: owner %(owner)s.")
            % {"number": item.position, "owner": owner.name if owner else "–"},
        )
    return item


@transaction.atomic(durable=True)
def checklist_item_set_state(
    *, item: ChecklistItem, by: Any, state: str, note: str = ""
) -> ChecklistItem:
    """Tick an item done or not applicable, or reopen it (with a reason: a reopened item was
    reported done to everyone)."""
    require(state in ChecklistItem.State.values, _("Unknown state."))
    item = (
        ChecklistItem.objects.select_for_update(of=("self",))
        .select_related("incident", "owner")
        .get(pk=item.pk)
    )
    require(
        may_tick(by, item),
        _("Only the RSIB on duty, the secretariat or the owner's people can tick this item."),
    )
    require(item.incident.is_active, _("The incident is not activated."))
    require(item.state != state, _("The item already has this state."))
    note = note.strip()
    if state == ChecklistItem.State.OPEN:
        require(bool(note), _("Say why the item is reopened."))
    if state == ChecklistItem.State.NOT_APPLICABLE:
        require(bool(note), _("Say why the item does not apply."))
    item.state = state
    item.note = note[:500]
    if state == ChecklistItem.State.OPEN:
        item.done_at, item.done_by = None, None
    else:
        item.done_at, item.done_by = timezone.now(), by
    item.save(update_fields=["state", "note", "done_at", "done_by"])
    texts = {
        ChecklistItem.State.DONE: _("Checklist item %(number)s done: %(text)s"),
        ChecklistItem.State.NOT_APPLICABLE: _(
            "Checklist item %(number)s not applicable: %(text)s (%(note)s)"
        ),
        ChecklistItem.State.OPEN: _("Checklist item %(number)s reopened: %(text)s (%(note)s)"),
    }
    log(
        item.incident,
        by,
        "checklist",
        texts[state] % {"number": item.position, "text": item.text, "note": note},
    )
    return item
