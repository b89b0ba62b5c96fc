"""Joint messages can be corrected and withdrawn: an edit of the wording clears the
co-signatures and asks the senders again (once), an approved message that changes goes back to
draft, a withdrawn one is marked with its reason and never published; the approved state reads
as a message's ("Godkänt"), not as minutes' ("Justerat")."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from incidents import message_notices, services
from incidents.models import JointMessage, JointMessageSender, LogEntry
from incidents.picture import services as picture_services
from notifications.models import Notification
from tests.factories import ActorFactory, AssignmentFactory, PersonFactory, UserFactory
from tests.incidents.conftest import COMMUNICATE, check_permission_matrix, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(db):
    """A second sender, with Pelle holding one of its functions (he signs for it)."""
    actor = ActorFactory(name="Polisen")
    AssignmentFactory(
        actor_function__actor=actor,
        person=PersonFactory(actor=actor, user=UserFactory(username="pelle")),
    )
    return actor


@pytest.fixture
def message(incident, seat, police, rkk):
    return services.message_draft(
        incident=incident,
        target_group="Allmänheten",
        channel="Webb",
        text="Undvik resor.",
        senders=[seat.actor, police],
        by=rkk,
    )


def signed_all(message, seat, police, holder, secretariat_user):
    services.message_cosign(message=message, actor=seat.actor, by=holder)
    services.message_cosign(message=message, actor=police, by=secretariat_user)


def told(key_part: str, channel: str = "email"):
    return Notification.objects.filter(dedupe_key__startswith=key_part, channel=channel)


def edit(message, by, **changes):
    data = {
        "target_group": message.target_group,
        "channel": message.channel,
        "text": message.text,
        "senders": list(message.senders.all()),
        **changes,
    }
    return services.message_update(message=message, by=by, **data)


# --- Editing --------------------------------------------------------------------------------


def test_a_new_wording_clears_every_cosignature_and_asks_the_senders_once(
    message, seat, police, holder, secretariat_user, rkk
):
    signed_all(message, seat, police, holder, secretariat_user)
    edited = edit(message, rkk, text="Undvik resor söderut.")
    assert edited.text == "Undvik resor söderut." and edited.revision == 2
    assert not JointMessageSender.objects.filter(message=message, signed_at__isnull=False)
    assert not JointMessageSender.objects.filter(message=message, signed_by__isnull=False)
    rows = told(f"message-changed:{message.pk}:2")
    assert sorted(r.recipient.user.username for r in rows) == ["hanna", "pelle"]
    email = rows.get(recipient=holder.person)
    assert "Undvik resor söderut." in email.body and "Allmänheten" in email.subject
    assert told(f"message-changed:{message.pk}:2", "portal").count() == 2
    # Told once: the same edit told again (a retried task) adds nothing.
    message_notices.sign_again(edited, by=rkk)
    assert rows.count() == 2
    entry = LogEntry.objects.filter(kind="message").last()
    assert entry.text == "Gemensamt budskap till Allmänheten ändrat; medundertecknandena togs bort."
    assert entry.by == rkk


def test_a_changed_target_group_or_channel_is_a_new_wording_too(
    message, seat, police, holder, secretariat_user, rkk
):
    signed_all(message, seat, police, holder, secretariat_user)
    edit(message, rkk, channel="SMS")
    assert not message.signatures.filter(signed_at__isnull=False).exists()
    signed_all(message, seat, police, holder, secretariat_user)
    edit(JointMessage.objects.get(pk=message.pk), rkk, target_group="Resenärer")
    assert not message.signatures.filter(signed_at__isnull=False).exists()


def test_the_editor_is_not_told_what_they_did(message, seat, police, holder, secretariat_user):
    """Sara of the secretariat also holds a function at the police: she edits, and only the
    other senders' people (Hanna, Pelle) are asked to sign again."""
    AssignmentFactory(actor_function__actor=police, person=secretariat_user.person)
    signed_all(message, seat, police, holder, secretariat_user)
    edit(message, secretariat_user, text="Ny lydelse.")
    rows = told(f"message-changed:{message.pk}:")
    assert sorted(r.recipient.user.username for r in rows) == ["hanna", "pelle"]


def test_a_removed_sender_loses_its_row_and_an_added_one_is_asked(
    message, seat, police, holder, secretariat_user, rkk
):
    services.message_cosign(message=message, actor=seat.actor, by=holder)
    region = ActorFactory(name="Region Stockholm")
    AssignmentFactory(
        actor_function__actor=region,
        person=PersonFactory(actor=region, user=UserFactory(username="regina")),
    )
    edited = edit(message, rkk, senders=[seat.actor, region])
    assert sorted(s.actor.name for s in edited.signatures.all()) == [
        "Huddinge kommun",
        "Region Stockholm",
    ]
    # The wording is the same: Huddinge's signature stands; only Region Stockholm is asked.
    assert edited.signatures.get(actor=seat.actor).signed_at is not None
    asked = told(f"message-changed:{message.pk}:")
    assert [r.recipient.user.username for r in asked] == ["regina"]


def test_saving_without_a_change_changes_nothing(message, seat, holder, rkk):
    services.message_cosign(message=message, actor=seat.actor, by=holder)
    before = LogEntry.objects.count()
    edited = edit(message, rkk)
    assert edited.revision == 1
    assert edited.signatures.get(actor=seat.actor).signed_at is not None
    assert LogEntry.objects.count() == before
    assert not told(f"message-changed:{message.pk}:").exists()


def test_an_approved_message_that_changes_goes_back_to_draft(
    message, seat, police, holder, secretariat_user, rkk
):
    signed_all(message, seat, police, holder, secretariat_user)
    services.message_approve(message=message, by=rkk)
    edited = edit(message, rkk, text="Rättad text.")
    assert edited.status == JointMessage.Status.DRAFT
    with pytest.raises(ValidationError):
        services.message_publish(message=edited, by=rkk)
    with pytest.raises(ValidationError, match="Huddinge"):
        services.message_approve(message=edited, by=rkk)  # the signatures are needed again
    assert "Tillbaka till utkast" in LogEntry.objects.filter(kind="message").last().text


def test_only_the_drafter_or_a_communicator_edits(message, holder, rsib, rkk, secretariat_user):
    for user in (holder, rsib):
        with pytest.raises(ValidationError):
            edit(message, user, text="Obehörig ändring.")
    assert JointMessage.objects.get(pk=message.pk).text == "Undvik resor."
    edit(message, secretariat_user, text="Kansliets ändring.")


def test_the_drafter_may_still_edit_after_their_shift(message, rkk):
    from incidents.models import Shift

    Shift.objects.filter(person__user=rkk).delete()
    edit(message, rkk, text="Efter passet.")
    assert JointMessage.objects.get(pk=message.pk).text == "Efter passet."


def test_a_published_or_withdrawn_message_cannot_be_edited(
    message, seat, police, holder, secretariat_user, rkk
):
    signed_all(message, seat, police, holder, secretariat_user)
    services.message_approve(message=message, by=rkk)
    services.message_publish(message=message, by=rkk)
    with pytest.raises(ValidationError):
        edit(message, rkk, text="För sent.")
    with pytest.raises(ValidationError):
        services.message_withdraw(message=message, reason="För sent", by=rkk)


def test_a_message_cannot_be_edited_once_the_incident_is_deactivated(message, rsib, rkk):
    services.incident_deactivate(incident=message.incident, by=rsib)
    with pytest.raises(ValidationError):
        edit(message, rkk, text="Efteråt.")


def test_an_edit_needs_a_text_and_a_sender(message, rkk):
    with pytest.raises(ValidationError):
        edit(message, rkk, text="  ")
    with pytest.raises(ValidationError):
        edit(message, rkk, senders=[])


# --- Withdrawal -----------------------------------------------------------------------------


def test_withdrawing_records_why_who_when_logs_and_tells_the_senders_once(
    message, seat, police, holder, secretariat_user, rkk
):
    services.message_cosign(message=message, actor=seat.actor, by=holder)
    withdrawn = services.message_withdraw(message=message, reason="Fel avsändare", by=rkk)
    assert withdrawn.status == JointMessage.Status.WITHDRAWN
    assert withdrawn.withdrawn_reason == "Fel avsändare"
    assert withdrawn.withdrawn_by == rkk and withdrawn.withdrawn_at is not None
    entry = LogEntry.objects.filter(kind="message").last()
    assert "Fel avsändare" in entry.text and entry.by == rkk
    rows = told(f"message-withdrawn:{message.pk}")
    assert sorted(r.recipient.user.username for r in rows) == ["hanna", "pelle"]
    assert "Fel avsändare" in rows.get(recipient=holder.person).body
    message_notices.withdrawn(withdrawn, by=rkk)
    assert rows.count() == 2
    with pytest.raises(ValidationError):
        services.message_withdraw(message=withdrawn, reason="Igen", by=rkk)


def test_an_approved_message_can_be_withdrawn_and_is_never_published(
    message, seat, police, holder, secretariat_user, rkk, rsib
):
    signed_all(message, seat, police, holder, secretariat_user)
    services.message_approve(message=message, by=rkk)
    services.message_withdraw(message=message, reason="Inaktuellt", by=rkk)
    with pytest.raises(ValidationError):
        services.message_publish(message=message, by=rkk)
    with pytest.raises(ValidationError):
        services.message_cosign(message=message, actor=seat.actor, by=holder)
    picture = picture_services.picture_publish(
        incident=message.incident, audience="full", summary="Läge", published_by=rsib
    )
    assert picture.messages_snapshot == []


def test_a_withdrawal_needs_a_reason_and_the_right_person(message, holder, rkk):
    with pytest.raises(ValidationError):
        services.message_withdraw(message=message, reason="  ", by=rkk)
    with pytest.raises(ValidationError):
        services.message_withdraw(message=message, reason="Jag vill", by=holder)
    assert JointMessage.objects.get(pk=message.pk).status == JointMessage.Status.DRAFT


# --- Status labels --------------------------------------------------------------------------


def test_the_approved_state_reads_as_a_message_state_not_as_minutes():
    with translation.override("sv"):
        assert str(JointMessage.Status.APPROVED.label) == "Godkänt"
        assert str(JointMessage.Status.WITHDRAWN.label) == "Tillbakadraget"
        # The minutes keep theirs.
        from django.utils.translation import gettext

        assert gettext("Approved") == "Justerat"


# --- Pages ----------------------------------------------------------------------------------


@pytest.fixture
def with_message(objects, message):
    return {**objects, "message": message}


# The message is drafted by the RKK: the RSIB and the member may see it, not change it.
MESSAGE_PAGES = [
    ("incidents:message_edit", {"pk": "message"}, COMMUNICATE),
    ("incidents:message_withdraw", {"pk": "message"}, COMMUNICATE),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"), MESSAGE_PAGES, ids=[p[0] for p in MESSAGE_PAGES]
)
def test_permission_matrix(name, kwargs, expected, with_message, clients):
    check_permission_matrix(name, kwargs, expected, with_message, clients)


def test_the_drafter_opens_both_pages(message, rkk):
    client = client_for(rkk)
    for name in ("incidents:message_edit", "incidents:message_withdraw"):
        assert client.get(reverse(name, args=[message.pk])).status_code == 200


def test_the_edit_page_is_prefilled_and_saves_through_the_service(
    message, seat, police, holder, rkk
):
    services.message_cosign(message=message, actor=seat.actor, by=holder)
    client = client_for(rkk)
    url = reverse("incidents:message_edit", args=[message.pk])
    page = client.get(url)
    assert page.context["form"].initial["text"] == "Undvik resor."
    assert set(page.context["form"].initial["senders"]) == {seat.actor, police}
    response = client.post(
        url,
        {
            "target_group": "Allmänheten",
            "channel": "Webb",
            "text": "Undvik alla resor.",
            "senders": [seat.actor.pk, police.pk],
            "idempotency_key": page.context["idempotency_key"],
        },
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.text == "Undvik alla resor."
    assert not message.signatures.filter(signed_at__isnull=False).exists()


def test_the_withdraw_page_withdraws_with_the_reason(message, rkk):
    client = client_for(rkk)
    url = reverse("incidents:message_withdraw", args=[message.pk])
    key = client.get(url).context["idempotency_key"]
    response = client.post(url, {"reason": "Fel målgrupp", "idempotency_key": key})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.is_withdrawn and message.withdrawn_reason == "Fel målgrupp"
    # A published or withdrawn message has no edit page: back to the incident with a word.
    again = client.get(reverse("incidents:message_edit", args=[message.pk]))
    assert again.status_code == 302


def test_the_incident_page_marks_a_withdrawn_message_with_its_reason_and_offers_no_actions(
    message, rkk, holder
):
    services.message_withdraw(message=message, reason="Fel avsändare", by=rkk)
    html = client_for(rkk).get(message.incident.get_absolute_url()).content.decode()
    assert "<del>Undvik resor.</del>" in html
    assert "Tillbakadraget" in html and "Fel avsändare" in html
    assert reverse("incidents:message_edit", args=[message.pk]) not in html
    assert reverse("incidents:message_withdraw", args=[message.pk]) not in html
    assert reverse("incidents:message_action", args=[message.pk, "approve"]) not in html


def test_the_incident_page_shows_godkant_and_the_actions_only_to_those_who_may_change(
    message, seat, police, holder, secretariat_user, rkk
):
    signed_all(message, seat, police, holder, secretariat_user)
    services.message_approve(message=message, by=rkk)
    html = client_for(rkk).get(message.incident.get_absolute_url()).content.decode()
    assert "Godkänt" in html and "Justerat" not in html
    assert reverse("incidents:message_edit", args=[message.pk]) in html
    assert reverse("incidents:message_withdraw", args=[message.pk]) in html
    member_html = client_for(holder).get(message.incident.get_absolute_url()).content.decode()
    assert reverse("incidents:message_edit", args=[message.pk]) not in member_html
    assert reverse("incidents:message_withdraw", args=[message.pk]) not in member_html


def test_a_corrected_message_approved_again_tells_the_forums_its_new_wording(
    message, seat, police, holder, secretariat_user, rkk
):
    signed_all(message, seat, police, holder, secretariat_user)
    services.message_approve(message=message, by=rkk)
    first = Notification.objects.filter(kind="joint_message_approved", channel="email")
    assert first.filter(recipient=holder.person).count() == 1
    edited = edit(message, rkk, text="Rättad lydelse.")
    signed_all(edited, seat, police, holder, secretariat_user)
    services.message_approve(message=edited, by=rkk)
    to_hanna = first.filter(recipient=holder.person).order_by("pk")
    assert [("Rättad lydelse." in n.body) for n in to_hanna] == [False, True]
