"""The portal in a real browser: Playwright driving Debian's Chromium against pytest-django's
live server on PostgreSQL.

Tests marked ``browser`` are skipped, with a notice, when Chromium is not installed
(``apt-get install -y chromium``; ``.ci/run`` does it). Playwright's sync API runs an asyncio
event loop in the test's thread, so while a browser is open the Django ORM calls of the test
itself would be refused as "async unsafe"; Django documents ``DJANGO_ALLOW_ASYNC_UNSAFE`` for
exactly this case, and we set it only while a browser module runs.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import ClusterFactory, MunicipalityFactory, PersonFactory, UserFactory
from tests.incidents.conftest import incident, prepared, rkk, rsib  # noqa: F401
from tests.membership.conftest import seller  # noqa: F401

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ANON, MEMBER, RSIB, RKK, SEC, CONTACT = (
    "anonymous",
    "member",
    "rsib",
    "rkk",
    "secretariat",
    "contact",
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 740}


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"Chromium is not installed at {CHROMIUM}: browser tests skipped "
        "(apt-get install -y chromium)"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    patch = pytest.MonkeyPatch()
    patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()
        patch.undo()


@pytest.fixture
def site(live_server, settings):
    """The live server's address; links in e-mails point at it too."""
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def new_context(browser, site):
    """Open browser contexts (separate people) at a viewport; all are closed after the test."""
    contexts = []

    def make(user=None, *, viewport=DESKTOP, verified=True, **options):
        context = browser.new_context(
            base_url=site, viewport=viewport, locale="sv-SE", accept_downloads=True, **options
        )
        context.set_default_timeout(15_000)
        if user is not None:
            log_in(context, user, site, verified=verified)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def log_in(context, user, site: str, *, verified: bool = True) -> None:
    """Put a session cookie in the context, as after a password (and TOTP) login."""
    from tests.conftest import verified_login

    client = Client()
    if verified:
        verified_login(client, user)
    else:
        client.force_login(user)
    # Host and path, not the URL: from an http URL Playwright would set a cookie that is not
    # Secure, and Chromium refuses a __Host- cookie that is not (it sends a Secure one to
    # http://localhost, as it accepts one from there, so the live server needs no https).
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": urlsplit(site).hostname,
                "path": "/",
                "httpOnly": True,
                "secure": bool(settings.SESSION_COOKIE_SECURE),
                "sameSite": "Lax",
            }
        ]
    )


def axe_violations(page) -> list[str]:
    """Run axe-core on the page at the WCAG 2.0/2.1 A and AA tags; one line per violation."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    lines = []
    for violation in result.response["violations"]:
        targets = [", ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
        lines.append(f"{page.url}: {violation['id']} ({violation['help']}) at {targets}")
    return lines


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_horizontal_scroll(page) -> bool:
    """The page itself never scrolls sideways (tables scroll in their own box)."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def too_wide(page) -> list[str]:
    """The innermost elements that reach past the viewport's right edge, to say what to fix."""
    return page.evaluate(
        """() => {
        const width = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll('body *')].filter(
            (el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.table-wrap'));
        return wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)))
            .slice(0, 5).map((el) => el.tagName.toLowerCase() + '.' + el.className + ' '
                + (el.textContent || '').trim().slice(0, 40));
    }"""
    )


# --- The world the walk visits ----------------------------------------------------------------


@pytest.fixture
def world(incident, seat, holder, rsib, rkk, prepared, secretariat_user):  # noqa: F811
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from actors.models import ActorFunction, Assignment, Function
    from forums import services as forum_services
    from forums.models import ClusterRepresentation
    from incidents import services as incident_services
    from incidents.alerts import ack_token
    from incidents.models import SeatAlert, Shift
    from incidents.picture import services as picture_services
    from incidents.roster import services as roster_services
    from incidents.signal_alerts import ack_token as signal_ack_token
    from membership.invoicing import invoice_run_issue
    from membership.models import FeeSchedule, Invoice, Payment, Reimbursement
    from notifications.models import Channel, Notification
    from tests.factories import MeetingFactory

    past = (timezone.now() - datetime.timedelta(days=30)).replace(hour=9, minute=0, second=0)
    meeting = MeetingFactory(forum=seat.forum, starts_at=past)
    agenda_item = forum_services.agenda_item_add(meeting=meeting, title="Lägesbild")
    forum_services.attachment_add(
        meeting=meeting,
        upload=SimpleUploadedFile("underlag.pdf", b"%PDF-1.7 underlag"),
        sharing_level="forum",
    )
    forum_services.decision_add(meeting=meeting, text="Att notera lägesbilden.")
    action_item = forum_services.action_item_add(
        meeting=meeting, title="Ta fram plan", owner=seat.actor
    )
    forum_services.minutes_generate(meeting=meeting)
    ClusterRepresentation.objects.create(
        cluster=ClusterFactory(name="Syd"),
        municipality=MunicipalityFactory(name="Botkyrka kommun"),
        starts_on=datetime.date(2025, 1, 1),
    )
    huddinge, police = membership_world(seat.actor)

    incident_services.report_submit(
        incident=incident,
        actor=seat.actor,
        submitted_by=holder,
        situation="Stormen har fällt träd över vägar.",
        impact="strained",
        needs="Röjning",
    )
    picture_services.picture_publish(
        incident=incident, audience="full", summary="Läget är ansträngt.", published_by=rsib
    )
    incident_services.direction_issue(incident=incident, text="Prioritera elförsörjning.", by=rsib)
    message = incident_services.message_draft(
        incident=incident,
        target_group="Allmänheten",
        channel="webb",
        text="Följ myndigheternas råd.",
        senders=[seat.actor],
        by=rkk,
    )
    signal = incident_services.signal_create(
        actor=holder.person.actor, signalled_by=holder, what="Brand i industri", assessment="Stor"
    )
    shift = Shift.objects.get(person__user=rsib)
    roster_services.shift_change_request(
        shift=shift, new_person=holder.person, reason="Sjuk", requested_by=rsib
    )
    alert = SeatAlert.objects.filter(incident=incident, acknowledged_at__isnull=True).first()

    spare = Function.objects.create(name="Kommunikationschef")
    spare_function = ActorFunction.objects.create(actor=seat.actor, function=spare)
    assignment = Assignment.objects.filter(person=holder.person).first()

    invoice_run_issue(year=2026, issue_date=datetime.date(2026, 11, 30))
    invoice = Invoice.objects.get(actor=huddinge)
    Reimbursement.objects.create(actor=police, year=2026, amount=1000)
    agreement = huddinge.agreements.get()

    inbox_item = Notification.objects.filter(recipient__user=holder, channel=Channel.PORTAL).first()
    from notifications import webhooks

    webhook = webhooks.subscription_create(
        actor=seat.actor,
        name="Huddinges larmsystem",
        url="https://larm.huddinge.example/ssr",
        event_types=["picture.published", "direction.issued"],
        owner=holder.person,
    )

    from api import services as api_services

    api_token = api_services.token_create(
        actor=seat.actor,
        name="Huddinges ärendesystem",
        scopes=["read_incidents", "submit_reports"],
        expires_at=timezone.now() + datetime.timedelta(days=90),
        by=secretariat_user,
    ).token

    unverified = UserFactory(username="ulla", secretariat=True)
    PersonFactory(user=unverified)
    TOTPDevice.objects.create(user=unverified, name="app", confirmed=True)
    unenrolled = UserFactory(username="ebba", secretariat=True)
    PersonFactory(user=unenrolled)

    from tests.world import _planning_world

    planning = _planning_world(forum=seat.forum, huddinge=seat.actor, holder=holder)

    return {
        "users": {
            MEMBER: holder,
            RSIB: rsib,
            RKK: rkk,
            SEC: secretariat_user,
            CONTACT: agreement.invoice_contact.user,
            "unverified": unverified,
            "unenrolled": unenrolled,
        },
        "objects": {
            "actor": seat.actor,
            "actor_label": "actors.actor",
            **planning,
            "plan_year": planning["plan"].year,
            "actor_function": ActorFunction.objects.get(actor=seat.actor, function=seat.function),
            "spare_function": spare_function,
            "function": seat.function,
            "person": holder.person,
            "member_login": holder.pk,
            "assignment": assignment,
            "forum": seat.forum,
            "seat": seat,
            "meeting": meeting,
            "agenda_item": agenda_item,
            "action_item": action_item,
            "incident": incident,
            "signal": signal,
            "message": message,
            "shift": shift,
            "prepared": prepared,
            "schedule": FeeSchedule.objects.get(year=2026),
            "agreement": agreement,
            "invoice": invoice,
            "unmatched_payment": Payment.objects.create(
                amount=4200, paid_on=datetime.date(2026, 11, 30), source=Payment.Source.BGMAX
            ),
            "inbox_item": inbox_item,
            "webhook": webhook,
            "api_token": api_token,
            "ack_token": ack_token(alert, holder.person),
            "signal_ack_token": signal_ack_token(signal.receipts.get(), "e"),
            "reset_uid": urlsafe_base64_encode(force_bytes(holder.pk)),
            "reset_token": default_token_generator.make_token(holder),
        },
    }


def membership_world(huddinge):
    """The 2026 run of tests/membership/conftest.py, with the seat's actor as the municipality."""
    from membership.models import Agreement, FeeSchedule
    from tests.factories import ActorFactory

    huddinge.kind = "municipality"
    huddinge.org_number = "212000-0068"
    huddinge.municipality_code = "0126"
    huddinge.invoice_address = "Box 1\n141 85 Huddinge"
    huddinge.invoice_email = "faktura@huddinge.example"
    huddinge.save()
    huddinge.population_figures.create(
        reference_date=datetime.date(2025, 12, 31), inhabitants=114_305
    )
    police = ActorFactory(
        name="Polisen",
        kind="police",
        org_number="202100-0076",
        invoice_address="Box 2\n106 75 Stockholm",
    )
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
