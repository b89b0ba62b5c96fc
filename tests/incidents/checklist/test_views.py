import pytest
from django.urls import reverse

from incidents.checklist import services
from tests.incidents.conftest import COORDINATE, ROLES, check_permission_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def checklist_objects(objects):
    return {**objects, "item": objects["incident"].checklist_items.first()}


CHECKLIST_PAGES = [
    ("incidents:checklist_item_create", {"pk": "incident"}, COORDINATE),
    ("incidents:checklist_item_owner", {"pk": "item"}, COORDINATE),
]
CHECKLIST_POST_ONLY = ["checklist_item_state"]


@pytest.mark.parametrize(("name", "kwargs", "expected"), CHECKLIST_PAGES)
def test_page_permissions(name, kwargs, expected, checklist_objects, clients):
    check_permission_matrix(name, kwargs, expected, checklist_objects, clients)


def test_ticking_is_for_the_coordinator_and_the_owners_people(
    checklist_objects, clients, rsib, seat
):
    item = checklist_objects["item"]
    url = reverse("incidents:checklist_item_state", args=[item.pk])
    # Without an owner: Hanna (member) is refused by the service, the outsider does not see it.
    expected = {"anonymous": 302, "member": 302, "outsider": 404, "rsib_off": 404}
    for role in ("anonymous", "member", "outsider", "rsib_off"):
        assert clients[role].post(url, {"state": "done"}).status_code == expected[role], role
    item.refresh_from_db()
    assert item.is_open
    services.checklist_item_set_owner(item=item, by=rsib, owner=seat.actor)
    assert clients["member"].post(url, {"state": "done"}).status_code == 302
    item.refresh_from_db()
    assert item.state == "done"
    assert set(ROLES) >= set(expected)


def test_the_incident_page_shows_the_live_checklist_not_the_copied_text(
    checklist_objects, clients, rsib
):
    item = checklist_objects["item"]
    services.checklist_item_set_state(item=item, by=rsib, state="done")
    html = clients["member"].get(checklist_objects["incident"].get_absolute_url()).content
    html = html.decode()
    assert 'id="checklist-heading"' in html
    assert "Lägesbild var tredje timme" in html
    assert html.count("Kontakta elbolag") == 1  # once: the copied text is no longer listed
    assert "Rut Jour" in html  # who ticked it


def test_htmx_gets_the_panel_and_a_plain_post_the_page(checklist_objects, clients):
    item = checklist_objects["item"]
    url = reverse("incidents:checklist_item_state", args=[item.pk])
    fragment = clients["rsib"].post(url, {"state": "done"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert body.lstrip().startswith("<section") and 'id="checklist"' in body
    assert "<html" not in body
    refused = clients["rsib"].post(url, {"state": "open"}, HTTP_HX_REQUEST="true")
    assert 'role="alert"' in refused.content.decode()  # reopening needs a reason
    plain = clients["rsib"].post(url, {"state": "open", "note": "Fel bockad"})
    assert plain.status_code == 302
    assert plain["Location"].endswith("#checklist-heading")


def test_the_coordinator_adds_an_item_with_an_owner(checklist_objects, clients, seat):
    incident = checklist_objects["incident"]
    response = clients["rsib"].post(
        reverse("incidents:checklist_item_create", args=[incident.pk]),
        {"text": "Kontakta Trafikverket", "owner": seat.actor.pk},
    )
    assert response.status_code == 302
    item = incident.checklist_items.get(position=3)
    assert (item.text, item.owner) == ("Kontakta Trafikverket", seat.actor)
