"""The CAP pages: who may open a message's alerts, export and cancel (pages × roles); the
export and cancel forms; the XML as stored, public; the Atom feed, public, newest first,
bounded, its entries linking each alert's XML; query counts that do not grow with the rows."""

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from incidents.cap import build, selectors, services
from incidents.models import CapAlert
from tests.incidents.cap.conftest import published
from tests.incidents.conftest import COMMUNICATE, READ, check_permission_matrix, client_for

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
PUBLIC = (200, 200, 200, 200, 200, 200)


def export(message, by, **changes):
    data = {"urgency": "Expected", "severity": "Moderate", "certainty": "Likely", **changes}
    return services.cap_export(message=message, by=by, **data)


@pytest.fixture
def cap_objects(objects, message, rkk):
    return {**objects, "message": message, "alert": export(message, rkk)}


CAP_PAGES = [
    ("incidents:cap_message", {"pk": "message"}, READ),
    ("incidents:cap_export", {"pk": "message"}, COMMUNICATE),
    ("incidents:cap_cancel", {"pk": "message"}, COMMUNICATE),
    ("incidents:cap_alert_xml", {"pk": "alert"}, PUBLIC),
    ("incidents:cap_feed", {}, PUBLIC),
]


@pytest.mark.parametrize(("name", "kwargs", "expected"), CAP_PAGES, ids=[p[0] for p in CAP_PAGES])
def test_pages_by_role(name, kwargs, expected, cap_objects, clients):
    check_permission_matrix(name, kwargs, expected, cap_objects, clients)


def test_the_rkk_exports_updates_and_cancels_from_the_pages(message, rkk):
    client = client_for(rkk)
    page = reverse("incidents:cap_message", args=[message.pk])
    assert "Exportera som CAP" in client.get(page).content.decode()
    data = {"urgency": "Immediate", "severity": "Severe", "certainty": "Observed"}
    url = reverse("incidents:cap_export", args=[message.pk])
    response = client.post(url, {**data, "idempotency_key": uuid.uuid4().hex})
    assert response.status_code == 302 and response.url == page
    alert = CapAlert.objects.get(message=message)
    assert (alert.msg_type, alert.urgency, alert.severity) == ("Alert", "Immediate", "Severe")
    # The form starts from the last alert's choices; the same again is no new alert.
    form = client.get(url).content.decode()
    assert 'value="Immediate" selected' in form
    client.post(url, {**data, "idempotency_key": uuid.uuid4().hex})
    assert message.cap_alerts.count() == 1
    client.post(
        url,
        {**data, "instruction": "Stanna inne.", "idempotency_key": uuid.uuid4().hex},
    )
    update = message.cap_alerts.get(msg_type="Update")
    assert update.references == alert.reference
    # An invalid choice is refused with the form's message.
    bad = client.post(url, {**data, "urgency": "Now", "idempotency_key": uuid.uuid4().hex})
    assert bad.status_code == 400 and message.cap_alerts.count() == 2
    # Cancelling asks why.
    cancel = reverse("incidents:cap_cancel", args=[message.pk])
    empty = client.post(cancel, {"note": "", "idempotency_key": uuid.uuid4().hex})
    assert empty.status_code == 400
    done = client.post(cancel, {"note": "Faran är över.", "idempotency_key": uuid.uuid4().hex})
    assert done.status_code == 302
    cancelled = message.cap_alerts.get(msg_type="Cancel")
    assert cancelled.references == f"{alert.reference} {update.reference}"
    body = client.get(page).content.decode()
    assert "Faran är över." in body and "Återkalla larmet" not in body
    assert build.schema_errors(cancelled.xml) == []


def test_an_rsib_sees_the_alerts_but_cannot_export(message, rsib, rkk):
    alert = export(message, rkk)
    client = client_for(rsib)
    body = client.get(reverse("incidents:cap_message", args=[message.pk])).content.decode()
    assert alert.identifier in body and "Nytt larm" in body
    assert "Exportera en uppdatering" not in body and "Återkalla larmet" not in body
    response = client.post(
        reverse("incidents:cap_export", args=[message.pk]),
        {"urgency": "Future", "severity": "Minor", "certainty": "Likely"},
    )
    assert response.status_code == 403 and message.cap_alerts.count() == 1


def test_the_incident_links_a_published_message_to_its_alerts(message, rkk):
    body = client_for(rkk).get(message.incident.get_absolute_url()).content.decode()
    assert reverse("incidents:cap_message", args=[message.pk]) in body


def test_the_xml_is_the_alert_as_stored_for_anyone(message, rkk):
    alert = export(message, rkk)
    response = Client().get(reverse("incidents:cap_alert_xml", args=[alert.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/cap+xml")
    assert response.content.decode() == alert.xml
    assert build.schema_errors(response.content.decode()) == []
    assert Client().get(reverse("incidents:cap_alert_xml", args=[alert.pk + 999])).status_code == (
        404
    )


def test_the_feed_is_atom_listing_the_alerts_newest_first(
    message, incident, seat, rkk, rsib, settings
):
    first = export(message, rkk)
    update = export(message, rkk, severity="Severe")
    other = published(incident, senders=[seat.actor], rkk=rkk, cosigner=rsib, text="Koka vatten.")
    third = export(other, rkk)
    response = Client().get(reverse("incidents:cap_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = etree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for required in ("atom:id", "atom:title", "atom:updated", "atom:author/atom:name"):
        assert root.findtext(required, namespaces=ATOM), required
    entries = root.findall("atom:entry", ATOM)
    ids = [e.findtext("atom:id", namespaces=ATOM) for e in entries]
    assert ids == [f"urn:cap:{a.identifier}" for a in (third, update, first)]
    for entry, alert in zip(entries, (third, update, first), strict=True):
        assert entry.findtext("atom:title", namespaces=ATOM)
        assert entry.findtext("atom:updated", namespaces=ATOM) == build.cap_datetime(alert.sent)
        link = entry.find("atom:link", ATOM)
        assert link.get("type") == "application/cap+xml"
        path = reverse("incidents:cap_alert_xml", args=[alert.pk])
        assert link.get("href") == settings.SITE_URL + path
        # Every alert the feed links to is valid CAP.
        assert build.schema_errors(Client().get(path).content.decode()) == []
    assert entries[1].findtext("atom:title", namespaces=ATOM).startswith("Uppdatering av larmet: ")


def test_the_feed_is_bounded(message, rkk):
    for n, severity in enumerate(["Minor", "Moderate", "Severe", "Extreme"]):
        export(message, rkk, severity=severity, instruction=str(n))
    assert len(selectors.feed_alerts(limit=3)) == 3
    assert selectors.feed_alerts(limit=3)[0] == message.cap_alerts.order_by("-sent", "-pk")[0]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_more_alerts_add_no_queries(message, incident, seat, rkk, rsib):
    export(message, rkk)
    client = client_for(rkk)
    page = reverse("incidents:cap_message", args=[message.pk])
    feed = reverse("incidents:cap_feed")
    _queries(client, page)  # the first request of a session loads what later ones reuse
    few = (_queries(client, page), _queries(Client(), feed))
    for severity in ["Minor", "Severe", "Extreme"]:
        export(message, rkk, severity=severity)
    for n in range(3):
        other = published(incident, senders=[seat.actor], rkk=rkk, cosigner=rsib, text=f"B {n}")
        export(other, rkk)
    assert CapAlert.objects.count() == 7
    assert (_queries(client, page), _queries(Client(), feed)) == few
