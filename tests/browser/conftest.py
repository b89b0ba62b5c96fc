"""The portal in a real browser: Playwright driving Debian's Chromium against pytest-django's
live server on PostgreSQL.

Tests marked ``browser`` are skipped, with a notice, when Chromium is not installed
(``apt-get install -y chromium``; ``.ci/run`` does it). Playwright's sync API runs an asyncio
event loop in the test's thread, so while a browser is open the Django ORM calls of the test
itself would be refused as "async unsafe"; Django documents ``DJANGO_ALLOW_ASYNC_UNSAFE`` for
exactly this case, and we set it only while a browser module runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

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
        if "browser" in item.keywords:
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
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
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


# The people and objects of the incident and membership tests.
from tests.incidents.conftest import incident, prepared, rkk, rsib  # noqa: E402, F401
from tests.membership.conftest import run_2026, seller  # noqa: E402, F401
