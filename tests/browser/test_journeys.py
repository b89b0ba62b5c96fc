"""The five journeys of the portal, each as a person takes it in Chromium.

Journeys 1, 3 and 4 run at desktop width and at a phone's 375 px; journeys 2 and 5 at desktop
width (their pages are walked at 375 px by the axe walk). The activation and the reporting in
journey 3 use the keyboard alone.
"""

import datetime
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import icalendar
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import (
    DESKTOP,
    MOBILE,
    axe_violations,
    no_horizontal_scroll,
    screenshot,
    too_wide,
)
from tests.factories import (
    ActorFactory,
    AssignmentFactory,
    MunicipalityFactory,
    PersonFactory,
    SeatFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["1280px", "375px"])


def tab_to(page, selector: str, *, limit: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has focus, and check focus is visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            outline = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"
            )
            assert outline, f"focus on {selector} is not visible"
            return
    raise AssertionError(f"Tab never reached {selector}")


def check_page(page, name: str | None = None) -> None:
    """axe finds nothing, the page never scrolls sideways; optionally keep a screenshot."""
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page), too_wide(page)
    if name:
        screenshot(page, name)


def width_name(viewport) -> str:
    return f"{viewport['width']}px"


def municipality_with_holder(forum, name: str, code: str, first_name: str):
    actor = MunicipalityFactory(name=name, municipality_code=code)
    seat = SeatFactory(forum=forum, actor=actor, function__name="Tjänsteperson i beredskap")
    user = UserFactory(username=first_name.lower(), first_name=first_name, last_name="Kommun")
    person = PersonFactory(
        user=user,
        actor=actor,
        first_name=first_name,
        last_name="Kommun",
        email=f"{first_name.lower()}@example.org",
    )
    AssignmentFactory(
        actor_function=actor.actor_functions.get(function=seat.function), person=person
    )
    return actor, user


# --- Journey 1 ----------------------------------------------------------------------------------


@VIEWPORTS
def test_journey_1_two_factor_login_directory_search_and_todays_holders(
    viewport, new_context, secretariat_user, holder, deputy, seat
):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=secretariat_user, name="app", confirmed=True)
    page = new_context(viewport=viewport).new_page()

    page.goto(reverse("home"))
    assert page.url.endswith(f"{reverse('login')}?next=/")
    page.get_by_label("Användarnamn").fill("sara")
    page.get_by_label("Lösenord").fill("correct-horse-battery")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile("/konto/tvafaktor/"))
    check_page(page)
    page.get_by_label("Kod").fill("000000" if totp(device.bin_key) != 0 else "111111")
    page.get_by_role("button", name="Verifiera").click()
    assert page.locator(".field__error").is_visible(), "a wrong code is refused"
    page.wait_for_timeout(1100)  # django-otp throttles a second try within a second
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.get_by_label("Kod").fill(f"{code:06d}")
    page.get_by_role("button", name="Verifiera").click()
    page.wait_for_url(re.compile(r"^http://[^/]+/$"))
    assert "Välkommen" in page.get_by_role("heading", level=1).inner_text()

    menu = page.get_by_role("button", name="Meny")
    if menu.is_visible():  # at 375 px the main menu folds behind its button
        menu.click()
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Aktörer").click()
    search = page.get_by_label("Sök")
    search.fill("Hudd")  # htmx narrows the list while the user types; focus stays in the box
    page.wait_for_url(re.compile(r"q=Hudd"))
    results = page.locator("#actor-results")
    assert results.get_by_role("link", name="Huddinge kommun").is_visible()
    assert page.evaluate("document.activeElement.id") == "id_q"
    check_page(page, f"journey-1-directory-{width_name(viewport)}")

    results.get_by_role("link", name="Huddinge kommun").click()
    functions = page.get_by_role("region", name="Funktioner och vem som har dem i dag")
    row = functions.get_by_role("row", name=re.compile("Säkerhetschef"))
    assert "Hanna Test" in row.inner_text() and "Dan Test" in row.inner_text()
    check_page(page, f"journey-1-actor-{width_name(viewport)}")


# --- Journey 2 ----------------------------------------------------------------------------------


@VIEWPORTS
def test_journey_2_meeting_attendance_decisions_minutes_ics(
    viewport, new_context, secretariat_user, holder, seat, forum
):
    sara = new_context(secretariat_user, viewport=viewport).new_page()
    sara.goto(forum.get_absolute_url())
    sara.get_by_role("link", name="Planera ett möte").click()
    # The meeting began an hour ago: minutes can be approved once a meeting has started.
    starts = (timezone.localtime() - datetime.timedelta(hours=1)).replace(second=0, microsecond=0)
    sara.get_by_label("Titel").fill("Veckomöte")
    sara.get_by_label("Börjar").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    sara.get_by_label("Slutar").fill(
        (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    )
    sara.get_by_label("Plats").fill("Länsstyrelsen, Hantverkargatan 29")
    sara.get_by_role("button", name="Spara").click()
    sara.wait_for_url(re.compile(r"/moten/\d+/$"))
    meeting_url = sara.url

    sara.get_by_role("link", name="Lägg till dagordningspunkt").click()
    sara.get_by_label("Titel").fill("Lägesbild vintern")
    sara.get_by_role("button", name="Spara").click()
    sara.wait_for_url(meeting_url)

    sara.get_by_role("link", name="Registrera närvaro").click()
    sara.locator("tbody tr").first.locator("select").first.select_option("present")
    sara.get_by_role("button", name="Spara").click()
    sara.wait_for_url(meeting_url)

    sara.get_by_role("link", name="Registrera ett beslut").click()
    sara.get_by_label(re.compile(r"^Beslut \(")).fill("Att fastställa vinterns lägesbild.")
    sara.get_by_role("button", name="Spara").click()
    sara.wait_for_url(meeting_url)

    sara.get_by_role("button", name="Skapa protokollsutkast").click()
    sara.wait_for_url(re.compile("/protokoll/redigera/"))
    sara.get_by_role("button", name="Spara").click()
    sara.wait_for_url(meeting_url)
    sara.get_by_role("link", name="Justera protokollet").click()
    check_page(sara)
    sara.get_by_role("button", name="Justera och lås").click()
    sara.wait_for_url(meeting_url + "protokoll/")
    assert "Att fastställa vinterns lägesbild." in sara.locator("main").inner_text()

    hanna = new_context(holder, viewport=viewport).new_page()
    hanna.goto(meeting_url)
    with hanna.expect_download() as download:
        hanna.get_by_role("link", name="Lägg till i kalendern (.ics)").click()
    calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    event = next(iter(calendar.walk("VEVENT")))
    assert "Veckomöte" in str(event["SUMMARY"])
    assert event.decoded("DTSTART") == starts

    hanna.get_by_role("link", name="Justerat protokoll").click()
    minutes = hanna.locator("main").inner_text()
    assert "Att fastställa vinterns lägesbild." in minutes
    assert "Lägesbild vintern" in minutes and "Hanna Test" in minutes
    check_page(hanna, f"journey-2-minutes-{width_name(viewport)}")
    hanna.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".breadcrumbs"):
        assert hanna.locator(hidden).is_hidden(), hidden
    assert "Att fastställa vinterns lägesbild." in hanna.locator(".minutes").inner_text()
    if viewport is DESKTOP:
        screenshot(hanna, "minutes-print")
        hanna.pdf(path=str(ROOT / "test-artifacts" / "minutes-print.pdf"))


# --- Journey 3 ----------------------------------------------------------------------------------


@pytest.fixture
def storm(forum, seat, rsib, prepared, settings):
    """Two municipalities in the forum, each with a holder; the RSIB on duty; a prepared
    direction for storms. The picture page asks for news every second."""
    settings.PICTURE_POLL_SECONDS = 1
    huddinge = seat.actor
    huddinge.kind, huddinge.municipality_code = "municipality", "0126"
    huddinge.save(update_fields=["kind", "municipality_code"])
    botkyrka, bo = municipality_with_holder(forum, "Botkyrka kommun", "0127", "Bo")
    return huddinge, botkyrka, bo


@VIEWPORTS
def test_journey_3_signal_activate_report_publish_live_picture_map_and_pdf(
    viewport, new_context, storm, holder, deputy, rsib
):
    huddinge, botkyrka, bo = storm
    width = width_name(viewport)

    # A member signals a need for collaboration.
    hanna = new_context(holder, viewport=viewport).new_page()
    hanna.goto(reverse("incidents:signal_create"))
    hanna.get_by_label("Vad har hänt?").fill("Stormen Gorm har fällt träd över ledningar.")
    hanna.get_by_label("Huddinge kommun").check()
    hanna.get_by_label("Din bedömning av samverkansbehovet").fill("Behöver samordna röjning.")
    hanna.get_by_role("button", name="Skicka signalen").click()
    # She lands on her signal, which shows who has been alerted (the RSIB on duty).
    hanna.wait_for_url(re.compile(r"/handelser/signaler/\d+/$"))
    assert "RSIB i tjänst" in hanna.locator("main").inner_text()

    # The RSIB activates with the prepared direction, keyboard only.
    rut = new_context(rsib, viewport=viewport).new_page()
    rut.goto(reverse("incidents:incident_list"))
    tab_to(rut, "a[href*='/handelser/signaler/']")
    rut.keyboard.press("Enter")
    rut.wait_for_url(re.compile("/handelser/signaler/"))
    tab_to(rut, "a[href*='/handelser/aktivera/?signal=']")
    rut.keyboard.press("Enter")
    rut.wait_for_url(re.compile("/handelser/aktivera/"))
    tab_to(rut, "#id_prepared_direction")
    rut.keyboard.press("ArrowDown")
    assert "storm" in rut.locator("#id_prepared_direction option:checked").inner_text()
    tab_to(rut, "input[name=forums]")
    rut.keyboard.press("Space")
    tab_to(rut, "form.form button[type=submit]")
    rut.keyboard.press("Enter")
    rut.wait_for_url(re.compile(r"/handelser/\d+/$"))
    incident_url = rut.url
    assert "Säkra elförsörjning" in rut.locator("main").inner_text()
    picture_url = incident_url + "lagesbild/"

    # A third person (the deputy) has the picture open before anything is published.
    dan = new_context(deputy, viewport=viewport).new_page()
    dan.goto(picture_url)
    assert dan.locator("#picture-live > .empty-state", has_text="Ingen lägesbild").is_visible()
    dan.evaluate("window.notReloaded = true")
    tab_to(dan, "#picture-reports")  # the reader is in the reports table when news arrives

    # Two actors report from their own browser contexts, keyboard only.
    bo_page = new_context(bo, viewport=viewport).new_page()
    for page, level_steps, text in ((hanna, 1, "Träd över vägar"), (bo_page, 2, "Elavbrott")):
        page.goto(incident_url)
        tab_to(page, "a[href$='/rapport/']")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile("/rapport/"))
        tab_to(page, "input[name=impact]")
        page.keyboard.press("Space")  # Normal
        for _ in range(level_steps):
            page.keyboard.press("ArrowDown")
        tab_to(page, "#id_situation")
        page.keyboard.type(text)
        tab_to(page, "form.form button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile("/lagesbild/"))
        assert "Din rapport har lämnats" in page.locator(".messages").inner_text()

    # The RSIB publishes the common picture.
    rut.goto(picture_url)
    rut.get_by_role("link", name="Publicera en ny version").click()
    rut.get_by_label("Sammanfattning").fill("Stormen Gorm: röjning pågår, elavbrott i Botkyrka.")
    rut.get_by_role("button", name="Publicera").click()
    rut.wait_for_url(picture_url)

    # The third context sees it without reloading; the live region announces it; focus stays.
    dan.wait_for_selector("#summary-heading", timeout=15_000)
    assert dan.evaluate("window.notReloaded") is True
    # The live region itself stays in place (only its text changes), so screen readers speak it.
    announcer = dan.locator("#picture-announcer")
    assert announcer.get_attribute("aria-live") == "polite"
    assert announcer.get_attribute("role") == "status"
    assert "version 1" in announcer.inner_text()
    assert dan.evaluate("document.activeElement.id") == "picture-reports"
    assert "röjning pågår" in dan.locator("#picture-live").inner_text()
    check_page(dan, f"situation-picture-{width}")

    # The map colours the affected and reporting municipalities, with text beside colour.
    huddinge_area = dan.locator("svg.map path", has=dan.locator("title", has_text="Huddinge"))
    botkyrka_area = dan.locator("svg.map path", has=dan.locator("title", has_text="Botkyrka"))
    assert "fill-strained" in huddinge_area.get_attribute("class")
    assert "affected" in huddinge_area.get_attribute("class")
    assert "fill-severe" in botkyrka_area.get_attribute("class")
    table = dan.locator("#picture-municipalities").inner_text()
    assert "Ansträngd" in table and "Mycket ansträngd" in table

    # The PDF export downloads and opens.
    with dan.expect_download() as download:
        dan.get_by_role("link", name="Ladda ned som PDF", exact=True).click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Storm" in text and "röjning pågår" in text

    # It prints without navigation or controls, the map and tables each on a new page.
    dan.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", "main nav", ".page-heading .button"):
        assert dan.locator(hidden).first.is_hidden(), hidden
    breaks = dan.locator("#picture-live > .grid-2, #picture-live > .grid-2 + .section")
    assert breaks.evaluate_all("els => els.map((e) => getComputedStyle(e).breakBefore)") == [
        "page",
        "page",
    ]
    if viewport is DESKTOP:
        screenshot(dan, "situation-picture-print")
        dan.pdf(path=str(ROOT / "test-artifacts" / "situation-picture-print.pdf"))


# --- Journey 4 ----------------------------------------------------------------------------------


@VIEWPORTS
def test_journey_4_joint_message_cosigned_published_and_direction_acknowledged_from_email(
    viewport, new_context, storm, holder, rsib, rkk, prepared, forum, smtp
):
    from incidents import services as incident_services

    huddinge, botkyrka, bo = storm
    incident = incident_services.incident_activate(
        activated_by=rsib, title="Storm över länet", forums=[forum], prepared_direction=prepared
    )
    incident_url = incident.get_absolute_url()

    kim = new_context(rkk, viewport=viewport).new_page()
    kim.goto(incident_url)
    kim.get_by_role("link", name="Ta fram ett gemensamt budskap").click()
    kim.get_by_label("Målgrupp").fill("Allmänheten i södra länet")
    kim.get_by_label("Kanal").fill("Webb och sociala medier")
    kim.get_by_label("Budskap", exact=False).first.fill("Undvik skogsområden tills träden röjts.")
    kim.get_by_label("Huddinge kommun").check()
    kim.get_by_label("Botkyrka kommun").check()
    kim.get_by_role("button", name="Spara").click()
    kim.wait_for_url(re.compile(rf"{incident_url}$"))

    # Each sender co-signs from its own browser.
    for user, actor in ((holder, huddinge), (bo, botkyrka)):
        page = new_context(user, viewport=viewport).new_page()
        page.goto(incident_url)
        page.get_by_role("button", name=f"Medunderteckna för {actor.display_name}").click()
        assert "Klart." in page.locator(".messages").inner_text()
        page.close()

    kim.reload()
    kim.get_by_role("button", name="Godkänn").click()
    kim.get_by_role("button", name="Publicera").click()
    messages = kim.get_by_role("region", name="Gemensamma budskap").or_(
        kim.locator("section[aria-labelledby=messages-heading]")
    )
    assert "Publicerat" in messages.first.inner_text()
    check_page(kim, f"journey-4-incident-{width_name(viewport)}")

    # The RSIB records a direction; the e-mail to a seat holder carries the link.
    rut = new_context(rsib, viewport=viewport).new_page()
    rut.goto(incident_url)
    rut.get_by_role("link", name="Registrera en inriktning").click()
    rut.get_by_label("Inriktning").fill("Prioritera röjning till sjukhus och äldreboenden.")
    rut.get_by_role("button", name="Spara").click()
    rut.wait_for_url(re.compile(rf"{incident_url}$"))

    email = holder.person.email
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        mail = [m for m in smtp.messages if email in m["To"] and "Inriktning" in m["Subject"]]
        if mail:
            break
        time.sleep(0.2)
    assert mail, [m["Subject"] for m in smtp.messages]
    body = mail[0].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://\S+/handelser/\d+/", body).group(0)

    hanna = new_context(holder, viewport=viewport).new_page()
    hanna.goto(link)
    buttons = hanna.get_by_role("button", name=f"Kvittera mottagandet för {huddinge.display_name}")
    before = buttons.count()
    buttons.first.click()
    # The answer takes the button's place (htmx): the page is not loaded again.
    answer = hanna.get_by_role("status").filter(has_text="Mottagandet kvitterat")
    assert answer.inner_text() == f"Mottagandet kvitterat för {huddinge.name}."
    assert hanna.url == link
    assert buttons.count() == before - 1
    check_page(hanna)
    hanna.reload()  # nothing left over for the next page: the message was said in place
    assert hanna.locator(".messages").count() == 0


# --- Journey 5 ----------------------------------------------------------------------------------


def start_worker() -> subprocess.Popen:
    """A real Celery worker on the test database and this process's Redis database."""
    db = connection.settings_dict
    seller = settings.SELLER
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ssr_portal.settings",
        "DEBUG": "on",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "off",
        "EMAIL_URL": "consolemail://",
        "SELLER_ORG_NUMBER": seller["org_number"],
        "SELLER_BANKGIRO": seller["bankgiro"],
        "SELLER_ADDRESS": seller["address"],
        "SELLER_POSTAL_CODE": seller["postal_code"],
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ssr_portal", "worker", "--pool", "solo"]
        + ["--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def worker(transactional_db):
    from ssr_portal.celery import app

    app.control.purge()
    app.conf.task_always_eager = False
    process = start_worker()
    yield process
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def run_2026(seller):
    from membership.models import Agreement, FeeSchedule

    huddinge = MunicipalityFactory(
        name="Huddinge kommun",
        org_number="212000-0068",
        invoice_address="Box 1\n141 85 Huddinge",
    )
    huddinge.population_figures.create(
        reference_date=datetime.date(2025, 12, 31), inhabitants=114_305
    )
    police = ActorFactory(name="Polismyndigheten", kind="police", org_number="202100-0076")
    for actor in (huddinge, police):
        Agreement.objects.create(
            actor=actor,
            signed_on=datetime.date(2024, 3, 1),
            signatory_name="A",
            invoice_contact=PersonFactory(actor=actor, user=UserFactory()),
            buyer_reference="Ref 123",
        )
    FeeSchedule.objects.create(year=2026, approved_on=datetime.date(2025, 11, 1))
    return huddinge, police


@VIEWPORTS
def test_journey_5_invoice_run_preview_warnings_issue_progress_and_pdf(
    viewport, new_context, secretariat_user, run_2026, worker
):
    huddinge, police = run_2026
    sara = new_context(secretariat_user, viewport=viewport).new_page()
    sara.goto(reverse("membership:overview"))
    sara.get_by_role("link", name="Fakturering 2026").first.click()
    warnings = sara.get_by_role("alert")
    assert "ingen fakturaadress" in warnings.inner_text()
    assert sara.get_by_role("button", name="Ställ ut fakturor").count() == 0
    check_page(sara, f"invoice-run-warnings-{width_name(viewport)}")

    # The secretariat adds the missing invoice address and comes back.
    sara.goto(reverse("actors:actor_update", args=[police.pk]))
    sara.get_by_label("Fakturaadress").fill("Box 12256\n102 26 Stockholm")
    sara.get_by_role("button", name="Spara").click()
    sara.goto(reverse("membership:invoice_run", args=[2026]))
    assert sara.get_by_role("alert").count() == 0
    sara.get_by_label("Ja, ställ ut 2 fakturor").check()
    sara.get_by_role("button", name="Ställ ut fakturor").click()

    # The progress bar fills as the worker makes PDFs and e-invoices, without a reload.
    sara.evaluate("window.notReloaded = true")
    progress = sara.locator("#progress-bar")
    expect(progress).to_have_attribute("value", "100", timeout=60_000)
    assert "2 av 2 (100 %)" in sara.locator("#run-progress").inner_text()
    assert sara.evaluate("window.notReloaded") is True
    check_page(sara, f"invoice-run-{width_name(viewport)}")

    sara.goto(reverse("membership:invoice_list"))
    sara.get_by_role("row", name=re.compile("Huddinge")).get_by_role("link").first.click()
    with sara.expect_download() as download:
        sara.get_by_role("link", name="PDF", exact=True).click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Huddinge kommun" in text and "114" in text
