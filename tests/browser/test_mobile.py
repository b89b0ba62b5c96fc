"""A member's crisis view on a phone (375 px): the menu folds behind its button, the crisis banner
comes first and each next step works from it, the RSIB on duty is one tap away, and the last
situation picture opened stays readable when the phone loses its connection."""

import re
import time
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.browser.conftest import (
    DESKTOP,
    MOBILE,
    axe_violations,
    no_horizontal_scroll,
    screenshot,
    too_wide,
)
from tests.factories import MunicipalityFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.browser


def poll(page, script: str, *, timeout: float = 15) -> bool:
    """Evaluate an async script until it answers true (service workers and caches settle
    asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(script):
            return True
        page.wait_for_timeout(200)
    return False


@pytest.fixture
def storm(forum, seat, holder, rsib, rkk, prepared, settings):
    """Joint mode activated by the RSIB (Rut, who has a mobile) with two affected municipalities:
    Botkyrka, whose Bo has no seat, and Haninge, with nobody in the portal. A picture and a
    direction are out."""
    from incidents import services as incident_services
    from incidents.picture import services as picture_services

    settings.PICTURE_POLL_SECONDS = 600  # the offline check does not race the live poll
    rut = rsib.person
    rut.mobile = "070-123 45 67"
    rut.save()
    botkyrka = MunicipalityFactory(name="Botkyrka kommun", municipality_code="0127")
    haninge = MunicipalityFactory(name="Haninge kommun", municipality_code="0136")
    bo = UserFactory(username="bo", first_name="Bo", last_name="Kommun")
    PersonFactory(user=bo, actor=botkyrka, first_name="Bo", last_name="Kommun")
    incident = incident_services.incident_activate(
        activated_by=rsib,
        title="Stormen Gorm",
        forums=[forum],
        municipalities=[botkyrka, haninge],
        prepared_direction=prepared,
        reporting_interval_minutes=60,
    )
    picture_services.picture_publish(
        incident=incident,
        audience="full",
        summary="Stormen Gorm: röjning pågår, elavbrott i Botkyrka.",
        published_by=rsib,
    )
    incident_services.direction_issue(
        incident=incident, text="Prioritera röjning till sjukhus och äldreboenden.", by=rsib
    )
    return incident, bo, botkyrka


def test_the_menu_folds_behind_a_button_at_375_px_and_opens(new_context, holder, storm):
    page = new_context(holder, viewport=MOBILE).new_page()
    page.goto(reverse("home"))
    button = page.get_by_role("button", name="Meny")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    assert button.is_visible() and nav.is_hidden()
    assert button.get_attribute("aria-expanded") == "false"
    assert button.get_attribute("aria-controls") == "site-menu"
    screenshot(page, "home-crisis-menu-closed-375px")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box
    header = page.locator(".site-header__inner").bounding_box()
    assert header["height"] < 70, "the header takes one line, not the first 300 px"
    name = page.locator(".brand__name").evaluate("e => e.getBoundingClientRect().right")
    assert name <= box["x"], "the name stays clear of the button"
    assert axe_violations(page) == []

    # The keyboard reaches the button right after the logo, and it opens the menu.
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # logo
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-menu-button')")
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true" and nav.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('nav') !== null"), "menu follows"
    for link in nav.get_by_role("link").all():
        assert link.bounding_box()["height"] >= 44
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page), too_wide(page)
    screenshot(page, "home-crisis-menu-open-375px")

    # Escape closes it and gives focus back to the button.
    page.keyboard.press("Escape")
    assert nav.is_hidden() and button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.hasAttribute('data-menu-button')")

    # A link in the menu works.
    button.click()
    nav.get_by_role("link", name="Aktörer").click()
    page.wait_for_url(re.compile("/aktorer/"))


def test_without_the_script_the_menu_stays_shown(new_context, holder, storm):
    page = new_context(holder, viewport=MOBILE, java_script_enabled=False).new_page()
    page.goto(reverse("home"))
    assert page.get_by_role("navigation", name="Huvudmeny").is_visible()
    assert page.locator("[data-menu-button]").is_hidden()


def test_at_desktop_width_the_menu_is_shown_without_a_button(new_context, holder, storm):
    page = new_context(holder, viewport=DESKTOP).new_page()
    page.goto(reverse("home"))
    assert page.get_by_role("navigation", name="Huvudmeny").is_visible()
    assert page.locator("[data-menu-button]").is_hidden()
    assert page.locator(".crisis").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "home-crisis-1280px")


def test_the_banner_comes_first_and_its_next_steps_work_on_a_phone(
    new_context, holder, storm, seat, rsib
):
    incident, _bo, _botkyrka = storm
    page = new_context(holder, viewport=MOBILE).new_page()
    page.goto(reverse("home"))
    banner = page.locator("section.crisis")
    # First in the page's content, and on the first screen.
    assert page.evaluate(
        "document.querySelector('main').firstElementChild.classList.contains('crisis')"
    )
    assert banner.bounding_box()["y"] < 200, banner.bounding_box()
    assert "Stormen Gorm" in banner.inner_text() and "Mina nästa steg" in banner.inner_text()
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page), too_wide(page)
    screenshot(page, "home-crisis-375px")

    # "On duty now: RSIB …" links the person, and their phone.
    on_duty = page.get_by_role("region", name="I tjänst nu")
    assert on_duty.get_by_role("link", name="0701234567").count() == 0
    assert on_duty.get_by_role("link", name="070-123 45 67").get_attribute("href") == (
        "tel:0701234567"
    )
    assert on_duty.get_by_role("link", name="Rut Jour").get_attribute("href") == (
        rsib.person.get_absolute_url()
    )

    # Acknowledge the alert from the banner: recorded, and the step is gone.
    banner.get_by_role("button", name="Kvittera aktiveringslarmet").click()
    page.wait_for_url(re.compile(rf"{incident.get_absolute_url()}$"))
    assert "Din kvittens av aktiveringslarmet" in page.locator(".messages").inner_text()
    page.goto(reverse("home"))
    assert banner.get_by_role("button", name="Kvittera aktiveringslarmet").count() == 0

    # Acknowledge the direction for my actor from the banner.
    banner.get_by_role("button", name=f"Kvittera mottagandet för {seat.actor.display_name}").click()
    # In place of the button (htmx), without loading the page again.
    assert "Mottagandet kvitterat" in banner.get_by_role("status").inner_text()
    page.goto(reverse("home"))
    assert "Prioritera röjning" not in banner.inner_text()

    # The report for my actor, due within the hour, opens the report form for it.
    banner.get_by_role("link", name=f"Rapportera för {seat.actor.display_name}").click()
    page.wait_for_url(re.compile(r"/rapport/\?actor="))
    assert seat.actor.name in page.get_by_role("heading", level=1).inner_text()

    # The newest picture, one tap away.
    page.goto(reverse("home"))
    banner.get_by_role("link", name="Läs den senaste lägesbilden").click()
    page.wait_for_url(re.compile("/lagesbild/$"))
    assert "röjning pågår" in page.locator("#picture-live").inner_text()


def test_an_affected_municipality_without_a_seat_gets_the_banner_too(new_context, storm):
    incident, bo, botkyrka = storm
    page = new_context(bo, viewport=MOBILE).new_page()
    page.goto(reverse("home"))
    banner = page.locator("section.crisis")
    assert "Stormen Gorm" in banner.inner_text()
    report = banner.get_by_role("link", name=f"Rapportera för {botkyrka.display_name}")
    assert report.get_attribute("href").endswith(f"/rapport/?actor={botkyrka.pk}")
    assert axe_violations(page) == []


def _goto(page, url: str, lands_on: str) -> None:
    """Go to ``url`` and wait until the page's path is ``lands_on``. The service
    worker's redirect or the page's own reload (when it is online again) may interrupt the
    navigation: then it waits for that to end and tries again (three times at most)."""
    from playwright.sync_api import Error

    for _attempt in range(3):
        try:
            page.goto(url)
        except Error as exc:
            # Interrupted by the page's own reload: "interrupted by another navigation", or
            # ERR_ABORTED when the reload cancels the request.
            if not any(m in str(exc) for m in ("interrupted by another navigation", "ERR_ABORTED")):
                raise
            page.wait_for_load_state()
        if urlsplit(page.url).path == lands_on:
            return
    page.wait_for_url(lambda address: urlsplit(address).path == lands_on, timeout=10_000)


def test_the_last_picture_opened_stays_readable_offline(new_context, holder, storm):
    incident, _bo, _botkyrka = storm
    picture_url = reverse("incidents:picture", args=[incident.pk])
    context = new_context(holder, viewport=MOBILE)
    page = context.new_page()
    page.goto(reverse("home"))
    assert poll(page, "() => navigator.serviceWorker.controller !== null"), "no service worker"

    page.get_by_role("link", name="Läs den senaste lägesbilden").click()
    page.wait_for_url(re.compile("/lagesbild/$"))
    assert page.locator(".offline-notice").is_hidden()
    kept = f"""async () => {{
        const cache = await caches.open('ssr-offline-v1');
        return Boolean(await cache.match('{picture_url}'))
            && Boolean(await cache.match(document.querySelector('link[rel=stylesheet]').href));
    }}"""
    assert poll(page, kept), "the picture was not kept"

    context.set_offline(True)
    page.reload()
    notice = page.locator(".offline-notice")
    # The page's script shows the notice once it has loaded from the cache: wait for it (bounded;
    # on a busy machine the reload's scripts may still run when the load event fires).
    notice.wait_for(state="visible", timeout=10_000)
    assert notice.is_visible(), "the offline copy says so (and its stylesheet came along)"
    assert "Du är offline" in notice.inner_text()
    assert re.search(r"\d{2}:\d{2}", notice.inner_text()), "with the time it was fetched"
    live = page.locator("#picture-live").inner_text()
    assert "röjning pågår" in live and "Publicerad" in live
    assert axe_violations(page) == []
    screenshot(page, "picture-offline-375px")

    # The start page, asked for offline, leads to the kept picture.
    _goto(page, reverse("home"), lands_on=picture_url)
    assert page.locator(".offline-notice").is_visible()

    # Back online: the offline copy reloads itself from the network (js/portal.js; it checks
    # again every 5 s if the first reload still found no network, as the service worker's may
    # lag behind the page's). Wait for that before going on, so that it cannot cut short the
    # next navigation.
    context.set_offline(False)
    page.locator("html:not([data-offline-copy]) #picture-live").wait_for(timeout=30_000)
    assert page.locator(".offline-notice").is_hidden()
    # A page is itself again; logging out deletes the kept copies.
    page.goto(reverse("home"))
    assert urlsplit(page.url).path == reverse("home")
    page.locator("section.crisis").wait_for(timeout=10_000)
    page.get_by_role("button", name="Meny").click()
    page.get_by_role("button", name="Logga ut", exact=True).click()
    page.wait_for_url(re.compile("/konto/logga-in/"))
    assert poll(page, "async () => !(await caches.has('ssr-offline-v1'))"), "copies kept"


# --- The crisis journey at 375 px ----------------------------------------------------------------


@pytest.fixture
def network(forum, seat, holder, rsib, rkk, prepared, smtp, sms_gateway, settings):
    """Huddinge's seat held by Hanna; a seat of the police that nobody holds; Botkyrka and
    Haninge, municipalities without a seat, each with a 24/7 alert address (as is the police);
    Rut the RSIB on duty with e-mail and mobile."""
    from tests.factories import ActorFactory, SeatFactory

    settings.PICTURE_POLL_SECONDS = 600
    huddinge = seat.actor
    huddinge.kind, huddinge.municipality_code = "municipality", "0126"
    huddinge.save(update_fields=["kind", "municipality_code"])
    police = ActorFactory(
        name="Polismyndigheten", alert_email="rlc@polisen.example", alert_phone="+46 10 111 00 00"
    )
    SeatFactory(forum=forum, actor=police, function__name="Regional ledningscentral")
    botkyrka = MunicipalityFactory(
        name="Botkyrka kommun", municipality_code="0127", alert_email="tib@botkyrka.example"
    )
    haninge = MunicipalityFactory(
        name="Haninge kommun", municipality_code="0136", alert_phone="+46 8 606 70 00"
    )
    rut = rsib.person
    rut.email, rut.mobile = "rut@example.org", "+46 70 111 11 11"
    rut.save()
    return huddinge, police, botkyrka, haninge


def test_journey_a_signal_wakes_the_rsib_every_actor_is_reached_and_a_member_acts_on_a_phone(
    new_context, network, forum, holder, rsib, smtp, sms_gateway
):
    huddinge, police, botkyrka, haninge = network

    # A member signals from her phone.
    hanna = new_context(holder, viewport=MOBILE).new_page()
    hanna.goto(reverse("incidents:signal_create"))
    hanna.get_by_label("Vad har hänt?").fill("Stormen Gorm har fällt träd över ledningar.")
    hanna.get_by_label("Huddinge kommun").check()
    hanna.get_by_label("Din bedömning av samverkansbehovet").fill("Behöver samordna röjning.")
    hanna.locator("form.form button[type=submit]").click()
    hanna.wait_for_url(re.compile(r"/handelser/signaler/\d+/$"))

    # The RSIB on duty is woken by SMS and e-mail, each with a link.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        texts = [
            m["message"]
            for m in sms_gateway.received
            if re.sub(r"\D", "", m["to"]).endswith("701111111")
        ]
        mails = [m for m in smtp.messages if "rut@example.org" in m["To"]]
        if texts and mails:
            break
        time.sleep(0.2)
    assert texts and mails, (sms_gateway.received, [m["To"] for m in smtp.messages])
    assert re.search(r"http://\S+", texts[0])

    # She opens the portal on her phone: the open signal comes first; she activates with the
    # forum and two more affected municipalities.
    rut = new_context(rsib, viewport=MOBILE).new_page()
    rut.goto(reverse("home"))
    assert rut.evaluate("document.querySelector('main').firstElementChild.id === 'open-signals'"), (
        "the open signal comes first"
    )
    rut.locator("#open-signals a").first.click()
    rut.wait_for_url(re.compile(r"/handelser/signaler/\d+/$"))
    rut.locator("a[href*='/handelser/aktivera/?signal=']").click()
    rut.wait_for_url(re.compile("/handelser/aktivera/"))
    rut.locator(f"input[name=forums][value='{forum.pk}']").check()
    assert rut.get_by_label("Huddinge kommun").is_checked(), "from the signal"
    rut.get_by_label("Botkyrka kommun").check()
    rut.get_by_label("Haninge kommun").check()
    rut.locator("form.form button[type=submit]").click()
    rut.wait_for_url(re.compile(r"/handelser/\d+/$"))
    incident_url = rut.url

    # The board shows every involved actor reached, the vacant seat and the seatless included.
    rut.goto(incident_url + "kvittenser/")
    lead = rut.locator("main .lead").inner_text()
    reached, total = map(int, re.search(r"(\d+) av (\d+)", lead).groups())
    assert (reached, total) == (4, 4), lead
    actors = rut.get_by_role("region", name="Berörda aktörer").first.inner_text()
    for actor in (huddinge, police, botkyrka, haninge):
        assert actor.name in actors
    assert axe_violations(rut) == []
    assert no_horizontal_scroll(rut), too_wide(rut)
    screenshot(rut, "journey-crisis-board-375px")

    # The member opens the portal on her phone and acts from the banner.
    hanna.goto(reverse("home"))
    banner = hanna.locator("section.crisis")
    assert hanna.evaluate(
        "document.querySelector('main').firstElementChild.classList.contains('crisis')"
    )
    assert axe_violations(hanna) == []
    screenshot(hanna, "journey-crisis-home-375px")
    banner.get_by_role("button", name="Kvittera aktiveringslarmet").click()
    hanna.wait_for_url(incident_url)
    hanna.goto(reverse("home"))
    banner.get_by_role("link", name=f"Rapportera för {huddinge.display_name}").click()
    hanna.wait_for_url(re.compile(r"/rapport/\?actor="))
    hanna.get_by_label("Ansträngd", exact=True).check()
    hanna.get_by_label("Aktuellt läge").fill("Träd över vägar i södra Huddinge.")
    hanna.locator("form.form button[type=submit]").click()
    hanna.wait_for_url(re.compile("/lagesbild/$"))

    # The RSIB sees Huddinge acknowledged, by Hanna, in the portal.
    rut.goto(incident_url + "kvittenser/")
    row = rut.get_by_role("region", name="Berörda aktörer").first.get_by_role(
        "row", name=re.compile(huddinge.name)
    )
    assert "Kvitterat" in row.inner_text() and "Hanna Test" in row.inner_text()
