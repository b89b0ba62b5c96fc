import pytest
from django.core.exceptions import ValidationError

from incidents import services as incident_services
from incidents.checklist import services
from incidents.models import ChecklistItem, LogEntry
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db


def test_activation_creates_one_item_per_non_empty_line(incident):
    items = list(incident.checklist_items.order_by("position"))
    assert [(i.position, i.text, i.state) for i in items] == [
        (1, "Kontakta elbolag", "open"),
        (2, "Lägesbild var tredje timme", "open"),
    ]


def test_activation_without_a_checklist_creates_none(forum, rsib):
    incident = incident_services.incident_activate(activated_by=rsib, title="Brand", forums=[forum])
    assert not incident.checklist_items.exists()


def test_the_coordinator_ticks_and_the_log_says_so(incident, rsib):
    item = incident.checklist_items.first()
    services.checklist_item_set_state(item=item, by=rsib, state="done")
    item.refresh_from_db()
    assert item.state == "done" and item.done_by == rsib and item.done_at
    entry = LogEntry.objects.filter(incident=incident, kind="checklist").last()
    assert "Kontakta elbolag" in entry.text


def test_only_the_owners_people_tick_beside_the_coordinator(incident, rsib, seat, holder, outsider):
    item = incident.checklist_items.first()
    with pytest.raises(ValidationError):
        services.checklist_item_set_state(item=item, by=holder, state="done")  # no owner yet
    services.checklist_item_set_owner(item=item, by=rsib, owner=seat.actor)
    with pytest.raises(ValidationError):
        services.checklist_item_set_state(item=item, by=outsider, state="done")
    services.checklist_item_set_state(item=item, by=holder, state="done")
    item.refresh_from_db()
    assert item.done_by == holder


def test_reopening_and_not_applicable_need_a_reason(incident, rsib):
    item = incident.checklist_items.first()
    with pytest.raises(ValidationError):
        services.checklist_item_set_state(item=item, by=rsib, state="not_applicable")
    services.checklist_item_set_state(item=item, by=rsib, state="done")
    with pytest.raises(ValidationError):
        services.checklist_item_set_state(item=item, by=rsib, state="open")
    services.checklist_item_set_state(
        item=item, by=rsib, state="open", note="Elbolaget svarade inte"
    )
    item.refresh_from_db()
    assert item.state == "open" and item.done_at is None and item.done_by is None
    assert item.history.count() == 3  # created, done, reopened: who and when kept


def test_the_coordinator_adds_items_at_the_end(incident, rsib, seat, holder):
    item = services.checklist_item_add(
        incident=incident, by=rsib, text="Kontakta Trafikverket", owner=seat.actor
    )
    assert item.position == 3
    with pytest.raises(ValidationError):
        services.checklist_item_add(incident=incident, by=holder, text="Eget")
    assert ChecklistItem.objects.filter(incident=incident).count() == 3


def test_nothing_is_ticked_after_deactivation(incident, rsib):
    incident_services.incident_deactivate(incident=incident, by=rsib)
    with pytest.raises(ValidationError):
        services.checklist_item_set_state(
            item=incident.checklist_items.first(), by=rsib, state="done"
        )
    with pytest.raises(ValidationError):
        services.checklist_item_add(incident=incident, by=rsib, text="Sent", owner=ActorFactory())


def test_the_data_migration_makes_items_from_the_checklist_text():
    import importlib

    from django.apps import apps

    from incidents.models import Incident
    from tests.factories import UserFactory

    migration = importlib.import_module("incidents.migrations.0012_conferences_checklist")
    incident = Incident.objects.create(
        title="Gammal",
        checklist="Första\n\n  Andra  \n",
        activated_at="2026-01-01T10:00:00+01:00",
        activated_by=UserFactory(),
    )
    migration.checklists_from_text(apps, None)
    assert list(incident.checklist_items.values_list("position", "text")) == [
        (1, "Första"),
        (2, "Andra"),
    ]
