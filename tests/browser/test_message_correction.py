"""A joint message with a wrong wording is corrected in the browser and published again after
the senders sign the new text; another is withdrawn with its reason and stays marked."""

import re

import pytest

from tests.browser.conftest import DESKTOP, axe_violations, no_horizontal_scroll, too_wide

pytestmark = pytest.mark.browser


def test_a_joint_message_is_corrected_signed_again_and_published_another_withdrawn(
    new_context, incident, seat, holder, rkk
):
    from incidents import services
    from incidents.models import JointMessage
    from notifications.models import Notification

    message = services.message_draft(
        incident=incident,
        target_group="Allmänheten",
        channel="Webb",
        text="Undvik resor norrut.",
        senders=[seat.actor],
        by=rkk,
    )
    services.message_cosign(message=message, actor=seat.actor, by=holder)
    services.message_approve(message=message, by=rkk)
    other = services.message_draft(
        incident=incident,
        target_group="Skolor",
        channel="SMS",
        text="Skolorna håller stängt.",
        senders=[seat.actor],
        by=rkk,
    )
    incident_url = incident.get_absolute_url()

    # The RKK sees the approved message had the wrong direction, and corrects it.
    kim = new_context(rkk, viewport=DESKTOP).new_page()
    kim.goto(incident_url)
    card = kim.locator(f"#message-{message.pk}")
    assert "Godkänt" in card.inner_text()
    card.get_by_role("link", name=re.compile("^Redigera")).click()
    kim.get_by_label("Budskap", exact=False).first.fill("Undvik resor söderut.")
    kim.get_by_role("button", name="Spara").click()
    kim.wait_for_url(re.compile(re.escape(incident_url)))
    card = kim.locator(f"#message-{message.pk}")
    assert "Utkast" in card.inner_text() and "Undvik resor söderut." in card.inner_text()
    assert "väntar" in card.inner_text()  # Huddinge's signature is needed again
    assert Notification.objects.filter(
        dedupe_key__startswith=f"message-changed:{message.pk}:", recipient=holder.person
    ).exists()

    # Hanna signs the new wording for Huddinge.
    hanna = new_context(holder, viewport=DESKTOP).new_page()
    hanna.goto(incident_url)
    hanna.locator(f"#message-{message.pk}").get_by_role(
        "button", name=f"Medunderteckna för {seat.actor.display_name}"
    ).click()
    assert "Klart." in hanna.locator(".messages").inner_text()
    hanna.close()

    # The RKK approves and publishes it again.
    kim.reload()
    kim.locator(f"#message-{message.pk}").get_by_role("button", name="Godkänn").click()
    kim.locator(f"#message-{message.pk}").get_by_role("button", name="Publicera").click()
    assert "Publicerat" in kim.locator(f"#message-{message.pk}").inner_text()

    # The other message is withdrawn with a reason; it stays, struck and explained.
    kim.locator(f"#message-{other.pk}").get_by_role(
        "link", name=re.compile("^Dra tillbaka")
    ).click()
    kim.get_by_label("Skäl för tillbakadragandet").fill("Fel målgrupp: gäller förskolor")
    kim.get_by_role("button", name="Spara").click()
    kim.wait_for_url(re.compile(re.escape(incident_url)))
    card = kim.locator(f"#message-{other.pk}")
    assert "Tillbakadraget" in card.inner_text()
    assert "Fel målgrupp: gäller förskolor" in card.inner_text()
    assert card.locator("del").inner_text() == "Skolorna håller stängt."
    assert JointMessage.objects.get(pk=other.pk).status == JointMessage.Status.WITHDRAWN
    assert axe_violations(kim) == []
    assert no_horizontal_scroll(kim), too_wide(kim)
