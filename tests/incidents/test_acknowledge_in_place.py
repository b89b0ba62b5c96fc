"""A direction acknowledged from its button with htmx: the answer takes the button's place
(nothing left for the next page), a second click says it was done already, and without htmx the
form still posts and returns to the incident page."""

import pytest
from django.urls import reverse

from incidents import services
from incidents.models import DirectionAcknowledgement
from tests.incidents.conftest import client_for

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def direction(incident, rsib):
    return services.direction_issue(incident=incident, text="Prioritera el.", by=rsib)


def acknowledge(client, direction, actor, **headers):
    return client.post(
        reverse("incidents:direction_acknowledge", args=[direction.pk]),
        {"actor": actor.pk},
        headers=headers,
    )


def test_the_answer_takes_the_buttons_place(direction, seat, holder, incident):
    client = client_for(holder)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert 'hx-target="this" hx-swap="outerHTML"' in page  # the button's form sends it so
    answer = acknowledge(client, direction, seat.actor, **HTMX)
    assert answer.status_code == 200
    body = answer.content.decode()
    assert body.strip() == (
        f'<p class="message message--success" role="status">'
        f"Mottagandet kvitterat för {seat.actor.name}.</p>"
    )
    assert DirectionAcknowledgement.objects.get(direction=direction).actor == seat.actor
    # Said in place: the next page carries no message about it.
    assert "Mottagandet kvitterat" not in client.get(incident.get_absolute_url()).content.decode()


def test_a_second_click_says_it_was_done_and_records_nothing_more(direction, seat, holder, deputy):
    acknowledge(client_for(holder), direction, seat.actor, **HTMX)
    again = acknowledge(client_for(deputy), direction, seat.actor, **HTMX)
    assert again.status_code == 200
    assert 'role="alert"' in again.content.decode()
    assert "redan kvitterat" in again.content.decode()
    assert DirectionAcknowledgement.objects.filter(direction=direction).count() == 1


def test_without_htmx_the_form_returns_to_the_incident_page(direction, seat, holder, incident):
    client = client_for(holder)
    answer = acknowledge(client, direction, seat.actor)
    assert answer.status_code == 302 and answer.url == incident.get_absolute_url()
    assert "Mottagandet kvitterat" in client.get(answer.url).content.decode()


def test_someone_outside_the_incident_cannot_acknowledge_with_htmx(direction, seat, outsider):
    answer = acknowledge(client_for(outsider), direction, seat.actor, **HTMX)
    assert answer.status_code in (403, 404)
    assert not DirectionAcknowledgement.objects.exists()
