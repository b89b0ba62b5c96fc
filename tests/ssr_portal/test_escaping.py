"""Markup typed into a text field is shown as text everywhere: pages and PDFs."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from actors.models import Actor
from incidents import services as incident_services
from incidents.picture import services as picture_services
from incidents.picture.tasks import render_picture_pdf

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_an_actor_named_with_markup_is_shown_escaped(secretariat):
    response = secretariat.post(
        reverse("actors:actor_create"),
        {
            "name": f"Kommun {SCRIPT}",
            "kind": "municipality",
            "municipality_code": "0199",
            "membership_type": "ordinary",
            "invoice_delivery": "peppol",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    actor = Actor.objects.get(name=f"Kommun {SCRIPT}")
    for url in (reverse("actors:actor_list"), actor.get_absolute_url()):
        html = secretariat.get(url).content.decode()
        assert ESCAPED in html and SCRIPT not in html


def test_markup_in_a_situation_picture_is_text_in_the_page_and_the_pdf(world, holder_client):
    incident = world["incident"]
    incident_services.log_note(incident=incident, by=world["rsib"], text=f"Notering {SCRIPT}")
    picture = picture_services.picture_publish(
        incident=incident,
        audience="full",
        summary=f"Sammanfattning {SCRIPT}",
        published_by=world["rsib"],
    )
    render_picture_pdf(picture.pk)
    picture.refresh_from_db()
    assert SCRIPT in pdf_text(picture.pdf.read())

    from tests.conftest import verified_login

    rsib = verified_login(Client(), world["rsib"])
    html = rsib.get(reverse("incidents:picture", args=[incident.pk])).content.decode()
    assert ESCAPED in html and SCRIPT not in html
    log_pdf = rsib.get(reverse("incidents:incident_log_pdf", args=[incident.pk]))
    assert SCRIPT in pdf_text(log_pdf.content)
