"""The short version of the picture carries only what its audience (actors outside the
activated forums) may see; the PDF says impact levels in words; the publish form drafts the
summary from the new reports for the RSIB to edit."""

import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from incidents.models import SituationPicture
from incidents.pdf import picture_pdf
from incidents.picture import selectors as picture_selectors
from incidents.picture import services as picture_services
from tests.factories import AssignmentFactory, SeatFactory
from tests.incidents.conftest import client_for, report

pytestmark = pytest.mark.django_db

SECRET = "Reservkraften räcker sex timmar"
OPEN = "Pendeltågen står still"


@pytest.fixture
def two_reports(incident, forum, seat, holder, rsib):
    """Huddinge reports for the forum only; SL (a second seat) for the whole network."""
    sl = SeatFactory(forum=forum, actor__name="SL", function__name="Trafikchef")
    AssignmentFactory(actor_function=sl.actor.actor_functions.get())
    report(
        incident,
        seat.actor,
        holder,
        situation=SECRET,
        needs="Bränsle till reservkraft",
        impact="severe",
        sharing_level="forum",
    )
    report(
        incident,
        sl.actor,
        rsib,
        situation=OPEN,
        needs="Ersättningsbussar",
        impact="critical",
        sharing_level="network",
    )
    return sl.actor


def pdf_text(picture: SituationPicture) -> str:
    reader = PdfReader(io.BytesIO(picture_pdf(picture)))
    # Words wrapped in a narrow table cell come back on two lines: compared as one.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_short_version_leaves_out_reports_shared_with_the_forum_only(
    incident, seat, two_reports, rsib
):
    short = picture_services.picture_publish(
        incident=incident, audience="short", summary="Kort läge.", published_by=rsib
    )
    assert [row["actor"] for row in short.actor_snapshot] == ["SL"]
    assert short.actor_snapshot[0]["sharing_level"] == "network"
    assert [r.actor for r in short.reports.all()] == [two_reports]
    assert short.sharing_level == "network"  # the short version's own default
    full = picture_services.picture_publish(
        incident=incident, audience="full", summary="Helt läge.", published_by=rsib
    )
    assert {row["actor"] for row in full.actor_snapshot} == {"Huddinge kommun", "SL"}


def test_the_short_version_cannot_be_shared_with_the_forum_only(incident, rsib):
    with pytest.raises(ValidationError) as error:
        picture_services.picture_publish(
            incident=incident,
            audience="short",
            summary="Kort",
            sharing_level="forum",
            published_by=rsib,
        )
    assert "sharing_level" in error.value.message_dict
    assert not SituationPicture.objects.exists()


def test_the_short_pdf_has_no_forum_only_report_and_says_impact_in_words(
    incident, two_reports, rsib
):
    short = picture_services.picture_publish(
        incident=incident, audience="short", summary="Kort läge.", published_by=rsib
    )
    text = pdf_text(short)
    assert OPEN in text and "Ersättningsbussar" in text and "Kritisk" in text
    assert SECRET not in text and "Bränsle till reservkraft" not in text
    assert "Huddinge" not in text
    assert "critical" not in text


def test_the_full_pdf_says_every_impact_level_in_words_not_codes(incident, two_reports, rsib):
    full = picture_services.picture_publish(
        incident=incident, audience="full", summary="Helt läge.", published_by=rsib
    )
    text = pdf_text(full)
    assert "Mycket ansträngd" in text and "Kritisk" in text
    assert SECRET in text and OPEN in text
    for code in ("severe", "critical", "strained"):
        assert code not in text


def test_a_short_version_published_before_the_filter_is_filtered_when_shown(
    incident, seat, two_reports, rsib
):
    """Its snapshot holds every report (and no sharing levels): showing it still leaves the
    forum-only one out."""
    old = SituationPicture.objects.create(
        incident=incident,
        audience="short",
        version=1,
        summary="Gammal kortversion",
        sharing_level="network",
        published_by=rsib,
        actor_snapshot=[
            {"actor": "Huddinge kommun", "actor_id": seat.actor.pk, "impact": "severe",
             "situation": SECRET, "needs": "", "report_version": 1},
            {"actor": "SL", "actor_id": two_reports.pk, "impact": "critical",
             "situation": OPEN, "needs": "", "report_version": 1},
            {"actor": "Nacka", "actor_id": 999999, "impact": "", "situation": "",
             "needs": "", "report_version": None},
        ],
    )  # fmt: skip
    rows = picture_selectors.snapshot_rows(old)
    assert [(r["actor"], r["impact_label"]) for r in rows] == [("SL", "Kritisk")]
    text = pdf_text(old)
    assert SECRET not in text and OPEN in text


def test_the_picture_page_shows_the_short_version_as_its_audience_got_it(
    incident, two_reports, rsib
):
    picture_services.picture_publish(
        incident=incident, audience="full", summary="Helt läge.", published_by=rsib
    )
    short = picture_services.picture_publish(
        incident=incident, audience="short", summary="Kort läge för andra.", published_by=rsib
    )
    client = client_for(rsib)
    for name in ("incidents:picture", "incidents:picture_live"):
        response = client.get(reverse(name, args=[incident.pk]))
        html = response.content.decode()
        start = html.index('id="short-heading"')
        section = html[start : html.index("</section>", start)]
        assert "Kort läge för andra." in section and OPEN in section
        assert SECRET not in section and "Huddinge" not in section
        assert reverse("incidents:picture_pdf", args=[short.pk]) in section


def test_the_publish_form_drafts_the_summary_from_the_new_reports(
    incident, seat, holder, two_reports, rsib
):
    client = client_for(rsib)
    url = reverse("incidents:picture_publish", args=[incident.pk])
    draft = client.get(url).context["form"].initial["summary"]
    lines = draft.splitlines()
    assert lines[0].startswith("Huddinge kommun: Mycket ansträngd. " + SECRET)
    assert "Behov: Bränsle till reservkraft" in lines[0] and "[endast forumet]" in lines[0]
    assert lines[1] == f"SL: Kritisk. {OPEN} Behov: Ersättningsbussar"
    assert not SituationPicture.objects.exists()  # a draft: nothing published by the GET

    picture_services.picture_publish(
        incident=incident, audience="full", summary="Publicerat.", published_by=rsib
    )
    report(incident, seat.actor, holder, situation="Läget har lugnat sig", impact="normal")
    report(incident, seat.actor, holder, situation="Nu är det normalt igen", impact="normal")
    draft = client.get(url).context["form"].initial["summary"]
    # Only what is new since that picture, the newest version per actor.
    assert draft == "Huddinge kommun: Normal. Nu är det normalt igen [endast forumet]"


def test_with_nothing_new_the_form_keeps_the_last_summary(incident, two_reports, rsib):
    picture_services.picture_publish(
        incident=incident, audience="full", summary="Senaste sammanfattningen.", published_by=rsib
    )
    page = client_for(rsib).get(reverse("incidents:picture_publish", args=[incident.pk]))
    assert page.context["form"].initial["summary"] == "Senaste sammanfattningen."


def test_a_long_situation_is_cut_in_the_draft():
    assert len(picture_selectors._brief("ord " * 200)) <= 300
    assert picture_selectors._brief("kort  text\n här") == "kort text här"


def test_the_publish_form_refuses_a_short_version_for_the_forum_only(incident, rsib):
    client = client_for(rsib)
    url = reverse("incidents:picture_publish", args=[incident.pk])
    response = client.post(
        url,
        {
            "audience": "short",
            "summary": "Kort läge",
            "sharing_level": "forum",
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["sharing_level"]
    assert not SituationPicture.objects.exists()
