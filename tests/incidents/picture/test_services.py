import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from incidents import services
from incidents.models import SituationPicture
from incidents.picture import selectors as picture_selectors
from incidents.picture import services as picture_services
from tests.incidents.conftest import report

pytestmark = pytest.mark.django_db


def test_publishing_versions_per_audience_with_a_frozen_snapshot(
    incident, seat, holder, rsib, django_capture_on_commit_callbacks
):
    report(incident, seat.actor, holder)
    with django_capture_on_commit_callbacks(execute=True):
        v1 = picture_services.picture_publish(
            incident=incident, audience="full", summary="Läget är ansträngt.", published_by=rsib
        )
    picture_services.picture_publish(
        incident=incident, audience="short", summary="Kort.", published_by=rsib
    )
    report(incident, seat.actor, holder, impact="critical", situation="Kritiskt")
    v2 = picture_services.picture_publish(
        incident=incident, audience="full", summary="Kritiskt läge.", published_by=rsib
    )

    assert (v1.version, v2.version) == (1, 2)
    assert v1.actor_snapshot[0]["impact"] == "strained"
    assert v2.actor_snapshot[0]["impact"] == "critical"
    assert set(picture_selectors.latest_pictures(incident)) == {"full", "short"}
    assert [r.version for r in picture_selectors.reports_since(incident, v1.published_at)] == [2]

    v1.refresh_from_db()
    pages = PdfReader(io.BytesIO(v1.pdf.read())).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert "Läget är ansträngt." in text
    published = timezone.localtime(v1.published_at).strftime("%Y-%m-%d %H:%M")
    for page in pages:
        page_text = page.extract_text()
        assert "Version 1" in page_text and published in page_text
        assert "Delningsnivå: Endast detta forum" in page_text


def test_only_the_coordinator_publishes(incident, holder):
    with pytest.raises(ValidationError):
        picture_services.picture_publish(
            incident=incident, audience="full", summary="X", published_by=holder
        )
    assert not SituationPicture.objects.exists()


def test_pdf_task_is_idempotent(incident, rsib):
    from incidents.picture.tasks import render_picture_pdf

    picture = picture_services.picture_publish(
        incident=incident, audience="full", summary="Sammanfattning", published_by=rsib
    )
    first = render_picture_pdf(picture.pk)
    second = render_picture_pdf(picture.pk)
    assert first == second and first.endswith(".pdf")
    assert render_picture_pdf(999999) == ""


def test_the_picture_carries_directions_and_published_messages(incident, seat, holder, rsib, rkk):
    services.direction_issue(incident=incident, text="Prioritera vård och omsorg.", by=rsib)
    message = services.message_draft(
        incident=incident,
        target_group="Allmänheten",
        channel="Webb",
        text="Spara vatten.",
        senders=[seat.actor],
        by=rkk,
    )
    draft_only = picture_services.picture_publish(
        incident=incident, audience="full", summary="A", published_by=rsib
    )
    services.message_cosign(message=message, actor=seat.actor, by=holder)
    services.message_approve(message=message, by=rkk)
    services.message_publish(message=message, by=rkk)
    picture = picture_services.picture_publish(
        incident=incident, audience="full", summary="B", published_by=rsib
    )
    assert [d["text"] for d in picture.directions_snapshot] == ["Prioritera vård och omsorg."]
    assert draft_only.messages_snapshot == []
    assert [m["text"] for m in picture.messages_snapshot] == ["Spara vatten."]
