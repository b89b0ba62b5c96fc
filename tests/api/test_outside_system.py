"""The issue's "done when", end to end over real HTTP: a separate program with Huddinge's token
reads the active incident from the live portal and submits a report; the report shows on the
picture page; the system's webhook receiver gets the next published picture, signed, and the
signature verifies with the independent Standard Webhooks implementation."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from incidents.models import SituationReport
from incidents.picture import services as picture_services
from notifications import webhooks
from tests.incidents.conftest import client_for
from tests.notifications.test_webhooks import Receiver, verified

SCRIPT = Path(__file__).with_name("outside_system.py")


def outside_system(*args) -> subprocess.CompletedProcess:
    """Run the outside system's script (a separate process; bounded in time)."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.mark.django_db(transaction=True)
def test_an_outside_system_reads_reports_and_receives_the_next_picture(
    live_server, incident, seat, holder, rsib, huddinge_token, receiver
):
    subscription = webhooks.subscription_create(
        actor=seat.actor,
        name="Huddinges ärendesystem",
        url=receiver.url("/ssr"),
        event_types=["picture.published"],
        owner=holder.person,
    )
    done = outside_system("report", live_server.url, huddinge_token.secret, "Tre skolor stängda")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["incident"]["id"] == incident.pk
    assert result["incident"]["title"] == "Storm över länet"
    assert result["report"]["status"] == 201
    report = SituationReport.objects.get(pk=result["report"]["body"]["id"])
    assert report.actor == seat.actor and report.situation == "Tre skolor stängda"

    page = client_for(holder).get(reverse("incidents:picture_live", args=[incident.pk]))
    assert "Tre skolor stängda" in page.content.decode()
    assert receiver.requests == []  # nothing published yet

    picture = picture_services.picture_publish(
        incident=incident, audience="full", summary="Skolor stängda i söder.", published_by=rsib
    )
    assert len(receiver.requests) == 1
    path, headers, body = receiver.requests[0]
    payload = verified(subscription, headers, body)
    assert path == "/ssr"
    assert payload["type"] == "picture.published"
    assert payload["data"]["picture"]["id"] == picture.pk
    assert payload["data"]["incident"]["id"] == incident.pk

    # The system follows the webhook and reads the picture with its token: the report is in it.
    picture_json = outside_system("picture", live_server.url, huddinge_token.secret, incident.pk)
    assert picture_json.returncode == 0, picture_json.stderr
    picture_body = json.loads(picture_json.stdout)["body"]
    assert picture_body["id"] == picture.pk
    assert "Tre skolor stängda" in json.dumps(picture_body, ensure_ascii=False)
