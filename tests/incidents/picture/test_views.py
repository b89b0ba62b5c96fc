import pytest
from django.urls import reverse

from incidents import services
from incidents.models import OnCallRole, Shift, SituationReport
from incidents.picture import services as picture_services
from tests.factories import AssignmentFactory, ForumFactory, SeatFactory
from tests.incidents.conftest import COORDINATE, READ, check_permission_matrix, client_for

pytestmark = pytest.mark.django_db

PAGES = [
    ("incidents:picture", {"pk": "incident"}, READ),
    ("incidents:picture_live", {"pk": "incident"}, READ),
    ("incidents:picture_pdf", {"pk": "picture"}, READ),
    ("incidents:picture_publish", {"pk": "incident"}, COORDINATE),
]


@pytest.mark.parametrize(("name", "kwargs", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_permission_matrix(name, kwargs, expected, objects, clients):
    check_permission_matrix(name, kwargs, expected, objects, clients)


# --- Constant queries -----------------------------------------------------------------------


@pytest.fixture
def crowded(forum, rsib, holder):
    """40 actors in the activated forum, each with 20 reports."""
    for _ in range(39):
        seat = SeatFactory(forum=forum)
        AssignmentFactory(actor_function=seat.actor.actor_functions.get())
    incident = services.incident_activate(activated_by=rsib, title="Stor händelse", forums=[forum])
    rows = []
    for seat in forum.seats.select_related("actor"):
        for version in range(1, 21):
            rows.append(
                SituationReport(
                    incident=incident,
                    actor=seat.actor,
                    version=version,
                    situation=f"v{version}",
                    impact="strained",
                    submitted_by=rsib,
                )
            )
    SituationReport.objects.bulk_create(rows)
    for _ in range(3):
        picture_services.picture_publish(
            incident=incident, audience="full", summary="S", published_by=rsib
        )
    return incident


def test_picture_page_queries_are_constant(crowded, holder, django_assert_max_num_queries):
    client = client_for(holder)
    with django_assert_max_num_queries(30) as captured:
        response = client.get(reverse("incidents:picture", args=[crowded.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("v20") == 40
    small = ForumFactory()
    seat = SeatFactory(forum=small)
    AssignmentFactory(actor_function=seat.actor.actor_functions.get(), person=holder.person)
    # The same page for a one-actor incident costs the same number of queries.
    tiny = services.incident_activate(
        activated_by=Shift.objects.get(role=OnCallRole.RSIB).person.user,
        title="Liten",
        forums=[small],
    )
    with django_assert_max_num_queries(len(captured.captured_queries)):
        client.get(reverse("incidents:picture", args=[tiny.pk]))


def test_live_fragment_is_constant_and_quiet_when_nothing_is_new(
    crowded, holder, django_assert_max_num_queries
):
    client = client_for(holder)
    url = reverse("incidents:picture_live", args=[crowded.pk])
    with django_assert_max_num_queries(30):
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    key = response.context["version_key"]
    assert client.get(url, {"since": key}, HTTP_HX_REQUEST="true").status_code == 204


def test_live_fragment_announces_a_new_version(objects, holder, rsib):
    client = client_for(holder)
    url = reverse("incidents:picture_live", args=[objects["incident"].pk])
    key = client.get(url, HTTP_HX_REQUEST="true").context["version_key"]
    picture_services.picture_publish(
        incident=objects["incident"], audience="full", summary="Ny", published_by=rsib
    )
    response = client.get(url, {"since": key}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="innerHTML"' in body and "version 2" in body
