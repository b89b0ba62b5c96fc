"""Each endpoint answers for the token's actor only: Huddinge fills the activated forum's seat;
the outsider's actor (a seat in another forum) sees nothing of the incident."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from incidents import services as incident_services
from incidents.models import DirectionAcknowledgement, SituationReport
from incidents.picture import services as picture_services
from incidents.support import services as support_services
from tests.api.conftest import bearer, make_token
from tests.factories import MeetingFactory
from tests.incidents.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider_api(outsider, other_forum, secretariat_user):
    actor = other_forum.seats.get().actor
    return bearer(make_token(actor, secretariat_user).secret)


def _publish(incident, rsib, summary="Stormen drar in"):
    return picture_services.picture_publish(
        incident=incident, audience="full", summary=summary, published_by=rsib
    )


def test_active_incidents_are_those_the_actor_is_involved_in(
    huddinge, outsider_api, incident, rsib
):
    body = huddinge.get("/api/v1/incidents").json()
    assert body["count"] == 1 and body["items"][0]["id"] == incident.pk
    assert body["items"][0]["title"] == "Storm över länet"
    assert outsider_api.get("/api/v1/incidents").json() == {
        "count": 0,
        "limit": 50,
        "offset": 0,
        "items": [],
    }
    incident_services.incident_deactivate(incident=incident, by=rsib)
    assert huddinge.get("/api/v1/incidents").json()["count"] == 0


def test_pagination_has_a_maximum(huddinge):
    assert huddinge.get("/api/v1/actors?limit=101").status_code == 422
    assert huddinge.get("/api/v1/actors?offset=-1").status_code == 422
    page = huddinge.get("/api/v1/actors?limit=1&offset=1").json()
    assert page["limit"] == 1 and page["offset"] == 1 and len(page["items"]) <= 1


def test_the_picture_as_json_with_an_etag_that_answers_304(
    huddinge, outsider_api, incident, rsib, seat, holder
):
    url = f"/api/v1/incidents/{incident.pk}/picture"
    assert huddinge.get(url).status_code == 404  # nothing published yet
    incident_services.report_submit(
        incident=incident,
        actor=seat.actor,
        submitted_by=holder,
        situation="Elavbrott",
        impact="severe",
    )
    first = _publish(incident, rsib)
    response = huddinge.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["summary"] == "Stormen drar in" and body["version"] == first.version
    assert body["audience"] == "full"
    assert [row["actor_id"] for row in body["actors"]] == [seat.actor.pk]
    assert body["pdf_url"] == f"/api/v1/incidents/{incident.pk}/picture.pdf"
    etag = response["ETag"]
    unchanged = huddinge.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged["ETag"] == etag
    _publish(incident, rsib, summary="Stormen har passerat")
    changed = huddinge.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["summary"] == "Stormen har passerat"
    # Not involved: the incident's existence is not revealed.
    assert outsider_api.get(url).status_code == 404


def test_the_picture_pdf(huddinge, outsider_api, incident, rsib):
    _publish(incident, rsib)
    url = f"/api/v1/incidents/{incident.pk}/picture.pdf"
    response = huddinge.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert outsider_api.get(url).status_code == 404


def test_a_submitted_report_goes_through_the_service_and_shows_in_the_picture_page(
    huddinge, incident, seat, holder, huddinge_token
):
    url = f"/api/v1/incidents/{incident.pk}/reports"
    payload = {
        "impact": "strained",
        "situation": "Rapport från ärendesystemet: tre skolor stängda",
        "sharing_level": "network",
    }
    response = huddinge.post(url, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    report = SituationReport.objects.get(pk=body["id"])
    assert (report.actor, report.version, report.submitted_by) == (
        seat.actor,
        1,
        huddinge_token.token.created_by,
    )
    again = huddinge.post(url, {**payload, "impact": "severe"}, content_type="application/json")
    assert again.json()["version"] == 2  # a new version, never an edit
    page = client_for(holder).get(reverse("incidents:picture_live", args=[incident.pk]))
    assert "tre skolor stängda" in page.content.decode()


def test_a_report_is_validated_as_the_form_validates_it(huddinge, incident, rsib, outsider_api):
    url = f"/api/v1/incidents/{incident.pk}/reports"
    refused = huddinge.post(
        url, {"impact": "apocalyptic", "situation": ""}, content_type="application/json"
    )
    assert refused.status_code == 422 and refused["Content-Type"] == "application/problem+json"
    fields = {error["loc"][-1] for error in refused.json()["errors"]}
    assert fields == {"impact", "situation"}
    assert (
        huddinge.post(url, {"impact": "normal"}, content_type="application/json").status_code == 422
    )
    assert not SituationReport.objects.exists()
    ok = {"impact": "normal", "situation": "Lugnt"}
    assert outsider_api.post(url, ok, content_type="application/json").status_code == 404
    incident_services.incident_deactivate(incident=incident, by=rsib)
    assert huddinge.post(url, ok, content_type="application/json").status_code == 404


def test_a_token_whose_creator_can_no_longer_act_for_the_actor_cannot_write(
    contact, incident, seat
):
    client = bearer(make_token(seat.actor, contact).secret)
    url = f"/api/v1/incidents/{incident.pk}/reports"
    ok = {"impact": "normal", "situation": "Lugnt"}
    assert client.post(url, ok, content_type="application/json").status_code == 201
    contact.is_active = False
    contact.save(update_fields=["is_active"])
    refused = client.post(url, ok, content_type="application/json")
    assert refused.status_code == 403 and "ny nyckel" in refused.json()["detail"]


def test_acknowledging_a_direction_once(huddinge, outsider_api, incident, rsib, seat):
    direction = incident_services.direction_issue(incident=incident, text="Prioritera el", by=rsib)
    listed = huddinge.get(f"/api/v1/incidents/{incident.pk}/directions").json()
    assert [(d["id"], d["acknowledged"]) for d in listed] == [(direction.pk, False)]
    url = f"/api/v1/directions/{direction.pk}/acknowledgement"
    assert outsider_api.post(url).status_code == 404
    response = huddinge.post(url)
    assert response.status_code == 201 and response.json()["actor_id"] == seat.actor.pk
    assert DirectionAcknowledgement.objects.filter(direction=direction, actor=seat.actor).exists()
    again = huddinge.post(url)
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    listed = huddinge.get(f"/api/v1/incidents/{incident.pk}/directions").json()
    assert listed[0]["acknowledged"] is True


def test_open_requests_addressed_to_the_actor(huddinge, outsider_api, incident, rsib, seat):
    needed = timezone.now() + datetime.timedelta(hours=4)
    asked = support_services.support_request_raise(
        incident=incident,
        by=rsib,
        actor=None,
        kind="resource",
        title="Reservkraft till äldreboende",
        needed_by=needed,
        addressed=[seat.actor],
    )
    body = huddinge.get("/api/v1/support-requests").json()
    assert [r["id"] for r in body["items"]] == [asked.pk]
    assert outsider_api.get("/api/v1/support-requests").json()["count"] == 0


def test_the_registry_is_public_parts_only(huddinge, seat, holder):
    body = huddinge.get("/api/v1/actors?limit=100").json()
    huddinge_row = next(a for a in body["items"] if a["id"] == seat.actor.pk)
    assert huddinge_row["name"] == "Huddinge kommun"
    assert [f["function"] for f in huddinge_row["functions"]] == ["Säkerhetschef"]
    assert "Hanna" not in str(body)  # no people


def test_the_actors_meetings(huddinge, outsider_api, forum, other_forum):
    ours = MeetingFactory(forum=forum, title="Samordningsmöte")
    MeetingFactory(forum=other_forum, title="Chefsgruppens möte")
    assert [m["id"] for m in huddinge.get("/api/v1/meetings").json()["items"]] == [ours.pk]
    titles = [m["title"] for m in outsider_api.get("/api/v1/meetings").json()["items"]]
    assert titles == ["Chefsgruppens möte"]


def test_the_lists_do_not_add_queries_with_more_rows(
    huddinge, seat, forum, django_assert_max_num_queries
):
    from tests.factories import ActorFunctionFactory

    for n in range(3):
        MeetingFactory(forum=forum, title=f"Möte {n}")
        ActorFunctionFactory(actor=seat.actor)
    with django_assert_max_num_queries(12):
        assert huddinge.get("/api/v1/actors?limit=100").status_code == 200
    with django_assert_max_num_queries(12):
        assert huddinge.get("/api/v1/meetings").status_code == 200
    for n in range(10):
        MeetingFactory(forum=forum, title=f"Fler {n}")
        ActorFunctionFactory(actor=seat.actor)
    with django_assert_max_num_queries(12):
        assert huddinge.get("/api/v1/actors?limit=100").status_code == 200
    with django_assert_max_num_queries(12):
        assert huddinge.get("/api/v1/meetings").status_code == 200


def test_the_docs_are_served_from_the_portal_under_its_csp(anonymous):
    schema = anonymous.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    docs = anonymous.get("/api/v1/docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page
    csp = docs["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    assert finders.find("ninja/swagger-ui-bundle.js") and finders.find("ninja/swagger-ui-init.js")
