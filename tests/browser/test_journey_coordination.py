"""Issue 18's "done when", as people take it in Chromium at desktop width.

1. The RSIB raises a request to one actor; that actor's person accepts and delivers it.
2. The RSIB holds a coordination conference: a status round prefilled from the actor's report,
   two actions with owners, closed; the protocol is in the incident log.
3. The RSIB ticks the prepared direction's checklist.
4. A joint message is corrected (its co-signature cleared), signed again, approved, published.
5. The register shows how fast the network gathered (signal → activation → reached → picture).
6. A meeting's approved minutes reach, as a PDF, an actor whose seat nobody holds.
"""

import datetime
import io
import re
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.browser.conftest import (
    DESKTOP,
    axe_violations,
    no_horizontal_scroll,
    screenshot,
    too_wide,
)
from tests.factories import (
    ActorFactory,
    AssignmentFactory,
    MeetingFactory,
    MunicipalityFactory,
    PersonFactory,
    SeatFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


def check_page(page, name: str | None = None) -> None:
    """axe finds nothing, the page never scrolls sideways; optionally keep a screenshot."""
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page), too_wide(page)
    if name:
        screenshot(page, f"coordination-{name}")


def wait_for_mail(smtp, predicate, *, seconds: float = 20):
    """The outbox sends after the request's commit: poll the SMTP server like journey 4."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in smtp.messages if predicate(m)]
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError([(m["To"], m["Subject"]) for m in smtp.messages])


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def local_input(at: datetime.datetime) -> str:
    """What a person types into a datetime-local field (local time, minutes)."""
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")


# --- The incident: signalled, activated from the signal, first report and picture --------------


@pytest.fixture
def gathered(forum, seat, holder, rsib, rkk, prepared, smtp):
    """Huddinge (Hanna) and Botkyrka (Bo) hold seats in the forum. Hanna signalled twelve minutes
    ago; the RSIB activates from the signal with the storm direction (its checklist comes along);
    the alerts go out by real SMTP; Huddinge reports; the RSIB publishes the first picture."""
    from incidents import services
    from incidents.models import Signal
    from incidents.picture import services as picture_services

    huddinge = seat.actor
    huddinge.kind, huddinge.municipality_code = "municipality", "0126"
    huddinge.save(update_fields=["kind", "municipality_code"])
    botkyrka = MunicipalityFactory(name="Botkyrka kommun", municipality_code="0127")
    botkyrka_seat = SeatFactory(forum=forum, actor=botkyrka, function=seat.function)
    bo = UserFactory(username="bo", first_name="Bo", last_name="Kommun")
    AssignmentFactory(
        actor_function=botkyrka.actor_functions.get(function=botkyrka_seat.function),
        person=PersonFactory(
            user=bo, actor=botkyrka, first_name="Bo", last_name="Kommun", email="bo@example.org"
        ),
    )
    signal = services.signal_create(
        actor=huddinge,
        signalled_by=holder,
        what="Stormen Gorm har fällt träd över ledningar.",
        assessment="Behöver samordna röjning.",
    )
    # The signal came in twelve minutes before the RSIB activated.
    Signal.objects.filter(pk=signal.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=12)
    )
    incident = services.incident_activate(
        activated_by=rsib,
        title="Stormen Gorm",
        forums=[forum],
        prepared_direction=prepared,
        signal=Signal.objects.get(pk=signal.pk),
    )
    services.report_submit(
        incident=incident,
        actor=huddinge,
        submitted_by=holder,
        situation="Träd över vägar i södra kommundelen.",
        impact="strained",
        needs="Röjningslag till Flemingsberg",
    )
    picture_services.picture_publish(
        incident=incident,
        audience="full",
        summary="Stormen Gorm: röjning pågår.",
        published_by=rsib,
    )
    return {"incident": incident, "huddinge": huddinge, "botkyrka": botkyrka, "bo": bo}


# --- 1–3. A request, a conference, the checklist -----------------------------------------------


def test_request_accepted_and_delivered_conference_with_status_round_and_checklist_ticked(
    new_context, gathered, rsib, smtp
):
    from incidents.models import Conference

    incident, huddinge, botkyrka = gathered["incident"], gathered["huddinge"], gathered["botkyrka"]
    incident_url = incident.get_absolute_url()
    rut = new_context(rsib, viewport=DESKTOP).new_page()
    rut.goto(incident_url)
    check_page(rut)

    # 1. The RSIB asks Botkyrka for reserve power.
    rut.get_by_role("link", name="Begär stöd").click()
    rut.get_by_label("Typ av stöd").select_option("resource")
    rut.get_by_label("Vad som behövs").fill("Två reservkraftverk till Tullinge äldreboende")
    rut.get_by_label("Beskrivning").fill("Elavbrott sedan i morse; boendet har 40 boende.")
    rut.get_by_label("Botkyrka kommun").check()
    rut.get_by_label("Behövs senast").fill(
        local_input(timezone.now() + datetime.timedelta(hours=3))
    )
    rut.get_by_label("Prioritet").select_option("high")
    rut.get_by_role("button", name="Spara").click()
    rut.wait_for_url(re.compile(r"/begaran/\d+/$"))
    request_url = rut.url
    assert "de tillfrågade aktörerna har fått besked" in rut.locator(".messages").inner_text()
    assert "Inväntar svar" in rut.locator(".page-heading").inner_text()
    check_page(rut)

    rut.goto(incident_url)
    panel = rut.get_by_role("region", name="Begäranden om stöd").inner_text()
    assert "Två reservkraftverk till Tullinge äldreboende" in panel
    assert "prioritet hög" in panel and "Inväntar svar" in panel

    # Botkyrka's person is told by e-mail, follows its link, accepts and later delivers.
    [mail] = wait_for_mail(
        smtp, lambda m: "bo@example.org" in m["To"] and "Begäran om stöd" in m["Subject"]
    )
    body = mail.get_body(preferencelist=("plain",)).get_content()
    bo = new_context(gathered["bo"], viewport=DESKTOP).new_page()
    bo.goto(re.search(r"http://\S+/begaran/\d+/", body).group(0))
    assert bo.url == request_url
    answer = bo.get_by_role("region", name="Svara på begäran")
    answer.get_by_label("Vi accepterar", exact=True).check()
    answer.get_by_label("Anteckning").fill("Två aggregat kommer från Tumba inom en timme.")
    answer.get_by_role("button", name="Skicka svaret").click()
    bo.wait_for_url(request_url)
    assert "Klart." in bo.locator(".messages").inner_text()
    assert "Accepterad" in bo.locator(".page-heading").inner_text()
    check_page(bo, "request")
    delivered = bo.get_by_role("region", name="Levererat")
    delivered.get_by_label("Anteckning").fill("Aggregaten är på plats och i drift.")
    delivered.get_by_role("button", name="Markera som levererad").click()
    bo.wait_for_url(request_url)
    assert "Levererad" in bo.locator(".page-heading").inner_text()

    # The request's steps say who did what, in order.
    rut.goto(request_url)
    steps = rut.get_by_role("region", name="Steg").get_by_role("listitem").all_inner_texts()
    assert len(steps) == 3, steps
    assert "Begäran ställd" in steps[0] and "Rut Jour" in steps[0]
    assert "Accepterad" in steps[1] and "Botkyrka kommun" in steps[1] and "Bo Kommun" in steps[1]
    assert "Levererad" in steps[2] and "Aggregaten är på plats" in steps[2]

    # 2. The RSIB schedules a coordination conference for the activated forum.
    rut.goto(incident_url)
    rut.get_by_role("link", name="Planera en konferens").click()
    rut.get_by_label("Börjar").fill(local_input(timezone.now() + datetime.timedelta(minutes=5)))
    rut.get_by_label("Inringning").fill("08-123 456 00, kod 4711")
    rut.get_by_role("button", name="Spara").click()
    rut.wait_for_url(re.compile(r"/konferenser/\d+/$"))
    conference_url = rut.url
    assert "inbjudningarna är på väg" in rut.locator(".messages").inner_text()
    assert "Samordnande forum" in rut.locator("main").inner_text()
    # Five minutes pass: the conference begins (it can be closed only once it has).
    Conference.objects.filter(incident=incident).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    rut.goto(conference_url)

    # Attendance: both actors are on the line.
    attendance = rut.get_by_role("region", name="Närvaro", exact=True)
    attendance.get_by_label("Huddinge kommun").select_option("present")
    attendance.get_by_label("Botkyrka kommun").select_option("present")
    attendance.get_by_role("button", name="Spara närvaron").click()
    rut.wait_for_url(re.compile(re.escape(conference_url)))

    # The status round: Huddinge's turn is prefilled from its newest report.
    turn = rut.locator(f"#round-{huddinge.pk}")
    assert "Från dess rapport version 1" in turn.inner_text()
    situation = turn.get_by_label("Läge")
    assert situation.input_value() == "Träd över vägar i södra kommundelen."
    assert turn.get_by_label("Behov").input_value() == "Röjningslag till Flemingsberg"
    situation.fill("Träd över vägar i södra kommundelen; två vägar öppnade.")
    turn.get_by_role("button", name=re.compile("^Spara")).click()
    rut.wait_for_url(re.compile(re.escape(conference_url)))
    assert "Sparat för Huddinge kommun." in rut.locator(".messages").inner_text()
    assert "Registrerat i rundan" in rut.locator(f"#round-{huddinge.pk}").inner_text()
    assert (
        rut.locator(f"#round-{huddinge.pk}")
        .get_by_label("Läge")
        .input_value()
        .endswith("två vägar öppnade.")
    )
    check_page(rut, "conference")

    # Two actions, each with its owner.
    actions = rut.locator("section[aria-labelledby=actions-heading]")
    for text, owner in (
        ("Röja väg 226 vid Flemingsberg", huddinge),
        ("Leverera diesel till reservkraften", botkyrka),
    ):
        # By its label: the decision and the action forms have ids of their own.
        actions.get_by_role("textbox", name="Åtgärd").fill(text)
        actions.get_by_label("Ansvarig").select_option(label=owner.name)
        actions.get_by_label("Klart senast").fill(
            local_input(timezone.now() + datetime.timedelta(hours=2))
        )
        actions.get_by_role("button", name="Lägg till åtgärden").click()
        rut.wait_for_url(re.compile(re.escape(conference_url)))
        assert "Sparat." in rut.locator(".messages").inner_text()
    table = actions.locator("tbody").inner_text()
    assert "Röja väg 226 vid Flemingsberg" in table and "Huddinge kommun" in table
    assert "Leverera diesel till reservkraften" in table and "Botkyrka kommun" in table

    # The RSIB closes the conference; its protocol is written to the incident log.
    rut.get_by_role("link", name="Stäng konferensen").click()
    rut.get_by_role("button", name="Stäng och skriv protokollet").click()
    rut.wait_for_url(re.compile(re.escape(conference_url)))
    assert "protokollet finns i händelseloggen" in rut.locator(".messages").inner_text()
    protocol = rut.get_by_role("region", name="Protokoll", exact=True).inner_text()
    assert "två vägar öppnade" in protocol and "Leverera diesel till reservkraften" in protocol
    check_page(rut)
    with rut.expect_download() as download:
        rut.get_by_role("link", name="Protokoll (PDF)").click()
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert "Röja väg 226 vid Flemingsberg" in text and "Botkyrka kommun" in text

    # 3. The RSIB ticks the first item of the storm direction's checklist.
    rut.goto(incident_url)
    checklist = rut.locator("#checklist")
    assert "0 av 2 hanterade." in checklist.inner_text()
    # The item's text is in a visually hidden span of the button's name ("Klar : …").
    checklist.get_by_role("button", name=re.compile(r"^Klar\s*:\s*Kontakta elbolag$")).click()
    # htmx swaps the panel in place.
    rut.wait_for_selector("#checklist :text('1 av 2 hanterade.')")
    item = rut.locator("#checklist li", has_text="Kontakta elbolag")
    assert "Klar" in item.inner_text() and "Rut Jour" in item.inner_text()
    check_page(rut, "incident")

    # The incident log tells the request, the conference's protocol and the checklist.
    rut.get_by_role("link", name="Logg", exact=True).click()
    log = rut.locator("main ol").inner_text()
    assert "Begäran om stöd från RSIB/samordningskansliet till Botkyrka kommun" in log
    assert "Botkyrka kommun accepterade begäran Två reservkraftverk" in log
    assert "Botkyrka kommun levererade begäran Två reservkraftverk" in log
    assert "stängd: 2 aktörer närvarande, 0 beslut, 2 åtgärder" in log
    assert "Punkt 1 i checklistan klar: Kontakta elbolag" in log
    check_page(rut, "log")


# --- 4–5. A joint message corrected and published again; the register's gathering times -------


def test_joint_message_corrected_signed_again_published_and_register_shows_gathering_times(
    new_context, gathered, rsib, rkk, holder
):
    incident, huddinge, botkyrka = gathered["incident"], gathered["huddinge"], gathered["botkyrka"]
    incident_url = incident.get_absolute_url()

    # Both actors acknowledge the activation alert from their own browsers.
    people = {}
    for actor, user in ((huddinge, holder), (botkyrka, gathered["bo"])):
        page = new_context(user, viewport=DESKTOP).new_page()
        page.goto(incident_url)
        page.get_by_role("button", name="Kvittera aktiveringslarmet").click()
        page.wait_for_url(re.compile(re.escape(incident_url)))
        assert "Din kvittens av aktiveringslarmet" in page.locator(".messages").inner_text()
        people[actor] = page

    def cosign(actor, message_id: int) -> None:
        page = people[actor]
        page.goto(incident_url)
        page.locator(f"#message-{message_id}").get_by_role(
            "button", name=f"Medunderteckna för {actor.display_name}"
        ).click()
        assert "Klart." in page.locator(".messages").inner_text()

    # 4. The RKK drafts a joint message for both municipalities; both sign, the RKK approves.
    kim = new_context(rkk, viewport=DESKTOP).new_page()
    kim.goto(incident_url)
    kim.get_by_role("link", name="Ta fram ett gemensamt budskap").click()
    kim.get_by_label("Målgrupp").fill("Allmänheten i södra länet")
    kim.get_by_label("Kanal").fill("Webb och sociala medier")
    kim.get_by_label("Budskap", exact=False).first.fill("Undvik Hågelbyleden tills träden röjts.")
    kim.get_by_label("Huddinge kommun").check()
    kim.get_by_label("Botkyrka kommun").check()
    kim.get_by_role("button", name="Spara").click()
    kim.wait_for_url(re.compile(re.escape(incident_url)))
    message = incident.messages.get()
    card = f"#message-{message.pk}"
    for actor in (huddinge, botkyrka):
        cosign(actor, message.pk)
    kim.reload()
    kim.locator(card).get_by_role("button", name="Godkänn").click()
    assert "Godkänt" in kim.locator(card).inner_text()
    assert kim.locator(card).get_by_text("väntar").count() == 0

    # The road was wrong: the RKK corrects the approved message; both signatures are cleared.
    kim.locator(card).get_by_role("link", name=re.compile("^Redigera")).click()
    kim.get_by_label("Budskap", exact=False).first.fill("Undvik Hågelbyleden och väg 226.")
    kim.get_by_role("button", name="Spara").click()
    kim.wait_for_url(re.compile(re.escape(incident_url)))
    assert "medundertecknar avsändarna det igen" in kim.locator(".messages").inner_text()
    text = kim.locator(card).inner_text()
    assert "Utkast" in text and "Undvik Hågelbyleden och väg 226." in text
    assert kim.locator(card).get_by_text("väntar").count() == 2
    assert kim.locator(card).get_by_role("button", name="Publicera").count() == 0
    check_page(kim)

    # Both sign the new wording; the RKK approves and publishes it.
    for actor in (huddinge, botkyrka):
        cosign(actor, message.pk)
    kim.reload()
    kim.locator(card).get_by_role("button", name="Godkänn").click()
    kim.locator(card).get_by_role("button", name="Publicera").click()
    assert "Publicerat" in kim.locator(card).inner_text()
    assert "Undvik Hågelbyleden och väg 226." in kim.locator(card).inner_text()
    check_page(kim, "joint-message")
    kim.get_by_role("link", name="Logg", exact=True).click()
    log = kim.locator("main ol").inner_text()
    assert "Gemensamt budskap till Allmänheten i södra länet ändrat" in log

    # 5. The register shows how fast the network gathered for this incident.
    rut = new_context(rsib, viewport=DESKTOP).new_page()
    rut.goto(reverse("incidents:register"))
    table = rut.get_by_role("region", name="Alla händelser")
    headers = table.locator("thead th").all_inner_texts()
    measures = [
        "Signal → aktivering",
        "Aktivering → första aktör nådd",
        "Aktivering → sista aktör nådd",
        "Aktivering → alla har kvitterat",
        "Aktivering → första lägesbild",
    ]
    assert headers[-5:] == measures
    row = table.get_by_role("row", name=re.compile("Stormen Gorm"))
    cells = dict(zip(measures, row.locator("td").all_inner_texts()[-5:], strict=True))
    assert cells["Signal → aktivering"] == "12 min", cells
    # The alerts went out, both acknowledged and the picture came within the journey's minutes.
    for measure in measures[1:]:
        assert re.fullmatch(r"[0-9] min", cells[measure]), cells
    check_page(rut, "register")


# --- 6. Approved minutes reach an actor with a vacant seat --------------------------------------


def test_approved_minutes_pdf_reaches_the_functional_address_of_an_actor_with_a_vacant_seat(
    new_context, secretariat_user, holder, seat, forum, smtp
):
    from forums import services as forum_services

    # Trafikverket has a seat in the forum that nobody holds; its 24/7 address is what it has.
    trafikverket = ActorFactory(name="Trafikverket", alert_email="tib@trafikverket.example.org")
    SeatFactory(forum=forum, actor=trafikverket, function=seat.function)
    started = (timezone.now() - datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    meeting = MeetingFactory(forum=forum, title="Decembermötet", starts_at=started)
    item = forum_services.agenda_item_add(meeting=meeting, title="Vinterns lägesbild")
    forum_services.attendance_record(meeting=meeting, entries={seat.pk: ("present", "Hanna Test")})
    forum_services.decision_add(
        meeting=meeting, text="Att vinterns lägesbild fastställs.", agenda_item=item
    )
    meeting_url = meeting.get_absolute_url()

    sara = new_context(secretariat_user, viewport=DESKTOP).new_page()
    sara.goto(meeting_url)
    sara.get_by_role("button", name="Skapa protokollsutkast").click()
    sara.wait_for_url(re.compile("/protokoll/redigera/"))
    sara.get_by_role("button", name="Spara").click()
    sara.wait_for_url(meeting_url)
    sara.get_by_role("link", name="Justera protokollet").click()
    check_page(sara)
    assert "funktionsadress" in sara.locator("main").inner_text()
    sara.get_by_role("button", name="Justera och lås").click()
    sara.wait_for_url(re.compile(re.escape(meeting_url + "protokoll/") + "$"))
    assert "på väg till varje organisation" in sara.locator(".messages").inner_text()
    minutes_page = sara.locator("main").inner_text()
    assert "Att vinterns lägesbild fastställs." in minutes_page
    assert "tib@trafikverket.example.org" in minutes_page and "vakant" in minutes_page
    check_page(sara, "minutes")

    # The home organisation receives the minutes as a PDF, though nobody holds its seat.
    [mail] = wait_for_mail(smtp, lambda m: "tib@trafikverket.example.org" in m["To"])
    assert "Decembermötet" in mail["Subject"]
    [pdf] = [
        part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    text = pdf_text(pdf.get_content())
    assert "Decembermötet" in text and "Att vinterns lägesbild fastställs." in text

    # The PDF the page offers is the very document that was mailed (stored once at approval).
    with sara.expect_download() as download:
        sara.get_by_role("link", name="Ladda ner protokollet (PDF)").click()
    assert reverse("forums:minutes_pdf", args=[meeting.pk]) in download.value.url
    assert Path(download.value.path()).read_bytes() == pdf.get_content()
