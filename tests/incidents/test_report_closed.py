"""The report form on a closed incident says so before anyone types: no form on GET, and a
POST is refused with a message and saves nothing."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from incidents import services
from incidents.models import SituationReport
from tests.incidents.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(incident, rsib):
    return services.incident_deactivate(incident=incident, by=rsib)


def test_the_form_is_offered_while_the_incident_is_activated(incident, holder):
    page = client_for(holder).get(reverse("incidents:report_create", args=[incident.pk]))
    assert page.status_code == 200 and 'name="situation"' in page.content.decode()


def test_a_closed_incident_shows_no_form_and_says_why(closed, holder):
    page = client_for(holder).get(reverse("incidents:report_create", args=[closed.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Rapporteringen är stängd" in html and "avaktiverades" in html
    assert 'name="situation"' not in html


def test_a_post_to_a_closed_incident_is_refused_with_a_message(closed, seat, holder):
    client = client_for(holder)
    response = client.post(
        reverse("incidents:report_create", args=[closed.pk]),
        {"impact": "normal", "situation": "För sent", "sharing_level": "forum"},
    )
    assert response.status_code == 302 and response.url == closed.get_absolute_url()
    assert not SituationReport.objects.exists()
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["Händelsen är avslutad: lägesrapporter kan inte längre lämnas."]


def test_a_followed_up_incident_is_closed_too(closed, holder, rsib):
    services.incident_follow_up(incident=closed, by=rsib, evaluation="Gick bra")
    page = client_for(holder).get(reverse("incidents:report_create", args=[closed.pk]))
    assert 'name="situation"' not in page.content.decode()


def test_an_outsider_still_gets_404_not_the_closed_page(closed, outsider):
    page = client_for(outsider).get(reverse("incidents:report_create", args=[closed.pk]))
    assert page.status_code == 404
