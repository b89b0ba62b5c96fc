"""Approved minutes: a PDF stored once, sent home to every organisation with a seat in the forum
(a vacant seat's actor included) at its functional address, once per organisation; the seat
holders and deputies still get theirs. Approval asks again when nobody is recorded present and
is offered only once the meeting has started; the approved page names the approver."""

import base64
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from actors.models import ActorFunction
from forums import notify, services
from forums.models import Minutes, MinutesRecipient
from notifications.models import Notification
from tests.factories import (
    ActorFactory,
    ActorFunctionFactory,
    ClusterFactory,
    MeetingFactory,
    MunicipalityFactory,
    SeatFactory,
)

pytestmark = pytest.mark.django_db

PAST = (timezone.now() - datetime.timedelta(days=3)).replace(microsecond=0)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def held(forum, seat, holder, deputy):
    meeting = MeetingFactory(forum=forum, title="Decembermötet", starts_at=PAST)
    item = services.agenda_item_add(meeting=meeting, title="Lägesbild")
    services.attendance_record(meeting=meeting, entries={seat.pk: ("present", "Hanna Test")})
    services.decision_add(meeting=meeting, text="Att lägesbilden noteras.", agenda_item=item)
    return meeting


@pytest.fixture
def seated(forum, seat, actor_function):
    """Besides Huddinge (held seat): Trafikverket with a vacant seat and a 24/7 address,
    Region Stockholm with two seats and a function mailbox for one of them, and the cluster Syd
    represented by Botkyrka, whose seat is vacant."""
    actor_function.contact_email = "sakerhetschef@huddinge.example.org"
    actor_function.save()
    trafikverket = ActorFactory(name="Trafikverket", alert_email="tib@trafikverket.example.org")
    SeatFactory(forum=forum, actor=trafikverket, function=seat.function)
    region = ActorFactory(name="Region Stockholm", alert_email="tib@region.example.org")
    ActorFunctionFactory(
        actor=region, function=seat.function, contact_email="sakerhet@region.example.org"
    )
    SeatFactory(forum=forum, actor=region, function=seat.function)
    SeatFactory(forum=forum, actor=region, function__name="Kommunikationsdirektör")
    south = ClusterFactory(name="Syd")
    botkyrka = MunicipalityFactory(
        name="Botkyrka kommun", cluster=south, alert_email="tib@botkyrka.example.org"
    )
    ActorFunctionFactory(actor=botkyrka, function=seat.function)
    services.seat_create(forum=forum, cluster=south, function=seat.function)
    services.cluster_representation_create(
        cluster=south, municipality=botkyrka, starts_on=datetime.date(2025, 1, 1)
    )
    return {"trafikverket": trafikverket, "region": region, "botkyrka": botkyrka}


def organisation_mail(minutes: Minutes):
    return Notification.objects.filter(
        kind="minutes_approved", recipient__isnull=True, object_id=minutes.pk
    )


# --- PDF ------------------------------------------------------------------------------------


def test_approval_stores_a_pdf_of_the_approved_minutes(held, secretariat_user):
    minutes = services.minutes_generate(meeting=held)
    services.minutes_approve(minutes=minutes, approved_by=secretariat_user)
    minutes.refresh_from_db()
    assert minutes.pdf.name.startswith("minutes/")
    with minutes.pdf.open("rb") as stored:
        text = pdf_text(stored.read())
    year = held.starts_at.year
    assert "Decembermötet" in text
    assert f"{year}:1: Att lägesbilden noteras." in text
    assert "Justerat" in text and "Sara Sekretariat" in text


def test_the_pdf_cannot_be_replaced_after_approval(held, secretariat_user):
    minutes = services.minutes_generate(meeting=held)
    services.minutes_approve(minutes=minutes, approved_by=secretariat_user)
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        Minutes.objects.filter(pk=minutes.pk).update(pdf="minutes/other.pdf")


PDF_ROLES = ["anonymous", "holder", "deputy", "outsider", "secretariat"]


@pytest.fixture
def clients(anonymous, holder_client, deputy_client, outsider_client, secretariat):
    return dict(
        zip(
            PDF_ROLES,
            [anonymous, holder_client, deputy_client, outsider_client, secretariat],
            strict=True,
        )
    )


def test_the_pdf_is_downloaded_by_those_who_may_read_the_minutes(held, secretariat_user, clients):
    minutes = services.minutes_generate(meeting=held)
    url = reverse("forums:minutes_pdf", args=[held.pk])
    assert clients["secretariat"].get(url).status_code == 404  # a draft has no PDF
    services.minutes_approve(minutes=minutes, approved_by=secretariat_user)
    expected = {"anonymous": 302, "holder": 200, "deputy": 200, "outsider": 404, "secretariat": 200}
    for role, status in expected.items():
        response = clients[role].get(url)
        assert response.status_code == status, role
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_minutes_shared_with_the_network_give_other_members_the_pdf(
    held, secretariat_user, clients
):
    minutes = services.minutes_generate(meeting=held)
    services.minutes_update(minutes=minutes, body=minutes.body, sharing_level="network")
    services.minutes_approve(minutes=minutes, approved_by=secretariat_user)
    assert clients["outsider"].get(reverse("forums:minutes_pdf", args=[held.pk])).status_code == 200


# --- Home to every organisation -------------------------------------------------------------


def test_every_organisation_with_a_seat_gets_the_pdf_once_at_its_functional_address(
    held, seated, holder, deputy, secretariat_user
):
    minutes = services.minutes_generate(meeting=held)
    services.minutes_approve(minutes=minutes, approved_by=secretariat_user)

    mails = list(organisation_mail(minutes))
    by_address = {m.address: m for m in mails}
    # One each: Region Stockholm's two seats make one message, at its function mailbox; the
    # vacant seats of Trafikverket and Botkyrka (for cluster Syd) reach their 24/7 addresses.
    assert sorted(by_address) == [
        "sakerhet@region.example.org",
        "sakerhetschef@huddinge.example.org",
        "tib@botkyrka.example.org",
        "tib@trafikverket.example.org",
    ]
    assert len(mails) == 4
    for mail in mails:
        assert mail.channel == "email"
        [attached] = mail.attachments
        assert attached["mimetype"] == "application/pdf"
        assert "Att lägesbilden noteras." in pdf_text(base64.b64decode(attached["content"]))
    assert "Trafikverket har en plats" in by_address["tib@trafikverket.example.org"].body

    # The seat holder and deputy still get theirs, with the PDF too.
    people = Notification.objects.filter(
        kind="minutes_approved", channel="email", recipient__isnull=False
    )
    assert {n.recipient.user for n in people} == {holder, deputy}
    assert all(n.attachments for n in people)

    # Recorded, one row per organisation, described in the third person.
    organisations = MinutesRecipient.objects.filter(minutes=minutes, person__isnull=True)
    assert organisations.count() == 4
    vacant = organisations.get(actor=seated["trafikverket"])
    assert "vakant" in vacant.capacity


def test_sending_again_queues_nothing_new(held, seated, secretariat_user):
    minutes = services.minutes_generate(meeting=held)
    services.minutes_approve(minutes=minutes, approved_by=secretariat_user)
    before = Notification.objects.filter(kind="minutes_approved").count()
    notify.minutes_approved(Minutes.objects.get(pk=minutes.pk))  # a retried task
    assert Notification.objects.filter(kind="minutes_approved").count() == before
    with pytest.raises(ValidationError):
        services.minutes_approve(minutes=minutes, approved_by=secretariat_user)
    assert Notification.objects.filter(kind="minutes_approved").count() == before


def test_an_organisation_without_any_address_is_recorded_unreachable(
    held, forum, seat, secretariat_user
):
    silent = ActorFactory(name="Tyst aktör", alert_email="")
    SeatFactory(forum=forum, actor=silent, function=seat.function)
    ActorFunction.objects.filter(actor=silent).update(contact_email="")
    minutes = services.minutes_generate(meeting=held)
    services.minutes_approve(minutes=minutes, approved_by=secretariat_user)
    row = organisation_mail(minutes).get(reason__contains="Tyst aktör")
    assert row.status == "unreachable"


# --- Approval: the confirmations ------------------------------------------------------------


def test_nobody_present_is_refused_when_the_approver_is_to_be_asked(forum, seat, secretariat_user):
    meeting = MeetingFactory(forum=forum, starts_at=PAST)
    minutes = services.minutes_generate(meeting=meeting)
    with pytest.raises(services.NobodyPresent):
        services.minutes_approve(
            minutes=minutes, approved_by=secretariat_user, ask_if_nobody_present=True
        )
    services.attendance_record(meeting=meeting, entries={seat.pk: ("excused", "")})
    with pytest.raises(services.NobodyPresent):
        services.minutes_approve(
            minutes=minutes, approved_by=secretariat_user, ask_if_nobody_present=True
        )
    minutes.refresh_from_db()
    assert not minutes.is_approved


def test_approving_with_nobody_present_takes_a_second_step(forum, seat, secretariat):
    meeting = MeetingFactory(forum=forum, starts_at=PAST)
    minutes = services.minutes_generate(meeting=meeting)
    url = reverse("forums:minutes_approve", args=[meeting.pk])

    first = secretariat.post(url)
    assert first.status_code == 200
    assert "Ingen är registrerad som närvarande" in first.content.decode()
    minutes.refresh_from_db()
    assert not minutes.is_approved

    second = secretariat.post(url, {"nobody_present_confirmed": "yes"})
    assert second.status_code == 302
    minutes.refresh_from_db()
    assert minutes.is_approved


def test_with_someone_present_one_step_approves(held, secretariat):
    minutes = services.minutes_generate(meeting=held)
    response = secretariat.post(reverse("forums:minutes_approve", args=[held.pk]))
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.is_approved


def test_approval_is_offered_only_once_the_meeting_has_started(forum, seat, secretariat):
    start = timezone.now() + datetime.timedelta(days=2)
    meeting = MeetingFactory(forum=forum, starts_at=start)
    minutes = services.minutes_generate(meeting=meeting)
    approve_url = reverse("forums:minutes_approve", args=[meeting.pk])
    page = secretariat.get(meeting.get_absolute_url()).content.decode()
    assert approve_url not in page
    assert "när mötet har börjat" in page

    assert secretariat.get(approve_url).status_code == 302
    assert secretariat.post(approve_url, {"nobody_present_confirmed": "yes"}).status_code == 302
    minutes.refresh_from_db()
    assert not minutes.is_approved

    started = MeetingFactory(forum=forum, starts_at=PAST - datetime.timedelta(days=1))
    services.minutes_generate(meeting=started)
    page = secretariat.get(started.get_absolute_url()).content.decode()
    assert reverse("forums:minutes_approve", args=[started.pk]) in page


# --- The approved page ----------------------------------------------------------------------


def test_the_approved_page_states_its_state_once_and_names_the_approver(
    held, seated, secretariat_user, secretariat, holder_client
):
    minutes = services.minutes_generate(meeting=held)
    services.minutes_approve(minutes=minutes, approved_by=secretariat_user)
    url = reverse("forums:minutes_detail", args=[held.pk])

    for client in (holder_client, secretariat):
        page = client.get(url).content.decode()
        lead = page.split('<p class="lead">')[1].split("</p>")[0]
        assert lead.count("Justerat") == 1
        assert "av Sara Sekretariat" in lead
        assert reverse("forums:minutes_pdf", args=[held.pk]) in page

    page = secretariat.get(url).content.decode()
    recipients = page.split('id="recipients-heading"')[1]
    # Others are spoken of in the third person, not with the "you" of their own e-mail.
    assert "Du är" not in recipients
    assert (
        "Hanna Test, Huddinge kommun" in recipients and "ordinarie för Säkerhetschef" in recipients
    )
    assert "tib@trafikverket.example.org" in recipients and "vakant" in recipients


def test_minutes_approved_before_pdfs_were_stored_are_rendered_on_download(
    forum, seat, holder_client
):
    meeting = MeetingFactory(forum=forum, title="Gammalt möte", starts_at=PAST)
    Minutes.objects.create(
        meeting=meeting, body="Ett äldre protokoll.", status="approved", approved_at=PAST
    )
    response = holder_client.get(reverse("forums:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert "Ett äldre protokoll." in pdf_text(b"".join(response.streaming_content))
