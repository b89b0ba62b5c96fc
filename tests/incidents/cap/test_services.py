"""CAP alerts of joint messages: every alert valid against the OASIS CAP 1.2 schema; the first
export an Alert, unchanged content no new alert, other content an Update and a cancellation a
Cancel, both referencing every earlier alert; Exercise for an exercise; areas with geocodes, and
polygons when a GeoJSON file is configured; the stored alert cannot be changed."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from lxml import etree

from incidents import services as incident_services
from incidents.cap import build, services
from incidents.models import CapAlert, EventType, JointMessage, LogEntry
from tests.incidents.cap.conftest import published

pytestmark = pytest.mark.django_db

NS = {"cap": build.NS}


def parsed(alert: CapAlert) -> etree._Element:
    """The alert's XML, after checking it against the schema (every alert the tests make)."""
    assert build.schema_errors(alert.xml) == []
    return etree.fromstring(alert.xml.encode())


def text(root, path: str) -> str:
    return root.findtext(path, namespaces=NS)


def export(message, by, **changes):
    data = {"urgency": "Expected", "severity": "Moderate", "certainty": "Likely", **changes}
    return services.cap_export(message=message, by=by, **data)


def test_the_first_export_is_a_valid_alert_with_the_message_and_its_areas(message, rkk, settings):
    settings.CAP_SENDER = "ssr.example.se"
    alert = export(message, rkk, instruction="Stanna inomhus.")
    root = parsed(alert)
    assert alert.msg_type == "Alert" and alert.references == ""
    assert text(root, "cap:identifier") == alert.identifier
    assert alert.identifier.startswith("ssr.example.se.")
    assert text(root, "cap:sender") == "ssr.example.se"
    assert text(root, "cap:status") == "Actual"
    assert text(root, "cap:msgType") == "Alert"
    assert text(root, "cap:scope") == "Public"
    assert root.find("cap:references", NS) is None
    # sent: local time with its offset, to the second (the schema's pattern)
    assert text(root, "cap:sent")[19:] in ("+01:00", "+02:00")
    info = root.find("cap:info", NS)
    assert text(info, "cap:language") == "sv-SE"
    assert text(info, "cap:category") == "Met"  # the event type "Storm"
    assert text(info, "cap:event") == "Storm"
    assert (text(info, "cap:urgency"), text(info, "cap:severity")) == ("Expected", "Moderate")
    assert text(info, "cap:certainty") == "Likely"
    assert text(info, "cap:headline") == "Storm över länet: Allmänheten"
    assert text(info, "cap:description") == "Undvik resor i länet."
    assert text(info, "cap:instruction") == "Stanna inomhus."
    areas = [
        (
            text(a, "cap:areaDesc"),
            text(a, "cap:geocode/cap:valueName"),
            text(a, "cap:geocode/cap:value"),
        )
        for a in info.findall("cap:area", NS)
    ]
    assert areas == [
        ("Botkyrka kommun", "SE-kommunkod", "0127"),
        ("Nacka kommun", "SE-kommunkod", "0182"),
    ]
    assert info.find("cap:area/cap:polygon", NS) is None  # no GeoJSON configured
    assert LogEntry.objects.filter(
        incident=message.incident, text__contains="CAP-larm exporterat"
    ).exists()


def test_exporting_the_same_content_again_gives_no_new_alert(message, rkk):
    first = export(message, rkk)
    assert export(message, rkk) == first
    assert message.cap_alerts.count() == 1


def test_other_content_is_an_update_referencing_the_earlier_alerts(message, rkk, settings):
    settings.CAP_SENDER = "ssr.example.se"
    first = export(message, rkk)
    second = export(message, rkk, severity="Severe")
    third = export(message, rkk, severity="Severe", instruction="Följ räddningstjänstens råd.")
    assert (second.msg_type, third.msg_type) == ("Update", "Update")
    refs = [f"ssr.example.se,{a.identifier},{build.cap_datetime(a.sent)}" for a in (first, second)]
    assert text(parsed(second), "cap:references") == refs[0]
    assert text(parsed(third), "cap:references") == " ".join(refs)
    assert text(parsed(third), "cap:info/cap:severity") == "Severe"
    assert len({first.identifier, second.identifier, third.identifier}) == 3


def test_a_cancel_references_every_alert_and_ends_them(message, rkk):
    first = export(message, rkk)
    update = export(message, rkk, urgency="Immediate")
    cancel = services.cap_cancel(message=message, note="Faran är över.", by=rkk)
    root = parsed(cancel)
    assert text(root, "cap:msgType") == "Cancel"
    assert text(root, "cap:note") == "Faran är över."
    assert text(root, "cap:references") == f"{first.reference} {update.reference}"
    assert text(root, "cap:info/cap:responseType") == "AllClear"
    with pytest.raises(ValidationError, match="återkallats"):
        export(message, rkk, urgency="Future")
    with pytest.raises(ValidationError, match="återkallats"):
        services.cap_cancel(message=message, note="Igen.", by=rkk)
    assert message.cap_alerts.count() == 3


def test_nothing_to_cancel_without_an_alert_and_a_reason_is_required(message, rkk):
    with pytest.raises(ValidationError, match="inget CAP-larm"):
        services.cap_cancel(message=message, note="Faran är över.", by=rkk)
    export(message, rkk)
    with pytest.raises(ValidationError, match="varför"):
        services.cap_cancel(message=message, note="  ", by=rkk)


def test_an_exercise_is_exported_with_status_exercise(
    forum, seat, rsib, rkk, secretariat_user, municipalities
):
    exercise = incident_services.incident_activate(
        activated_by=rsib,
        title="Övning Skogsbrand",
        forums=[forum],
        municipalities=municipalities[:1],
        event_type=EventType.objects.create(name="Skogsbrand"),
        is_exercise=True,
    )
    message = published(exercise, senders=[seat.actor], rkk=rkk, cosigner=rsib)
    root = parsed(export(message, rkk))
    assert text(root, "cap:status") == "Exercise"
    assert text(root, "cap:info/cap:category") == "Fire"


def test_only_a_published_message_is_exported(incident, seat, rkk):
    draft = incident_services.message_draft(
        incident=incident,
        target_group="Allmänheten",
        channel="Webb",
        text="Utkast.",
        senders=[seat.actor],
        by=rkk,
    )
    with pytest.raises(ValidationError, match="publicerat"):
        export(draft, rkk)
    assert not CapAlert.objects.exists()


def test_only_the_rkk_on_duty_or_the_secretariat_exports(
    message, rsib, holder, secretariat_user, rkk
):
    for user in (rsib, holder):
        with pytest.raises(ValidationError, match="RKK"):
            export(message, user)
    with pytest.raises(ValidationError, match="Välj en brådska"):
        export(message, rkk, urgency="Now")
    assert export(message, secretariat_user).msg_type == "Alert"


def test_polygons_come_from_a_configured_geojson(message, rkk, settings, tmp_path):
    ring = [[18.1, 59.3], [18.3, 59.3], [18.3, 59.4], [18.1, 59.3]]  # lon, lat; closed
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kommunkod": "0182", "name": "Nacka"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            },
            {
                "type": "Feature",
                "properties": {"code": 127},  # a number, its leading zero lost: 0127
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[[17.8, 59.2], [17.9, 59.2], [17.9, 59.25]]], [ring]],
                },
            },
        ],
    }
    path = tmp_path / "lan.geojson"
    path.write_text(json.dumps(geojson), encoding="utf-8")
    settings.CAP_AREAS_GEOJSON = str(path)
    root = parsed(export(message, rkk))
    polygons = {
        text(a, "cap:areaDesc"): [p.text for p in a.findall("cap:polygon", NS)]
        for a in root.findall("cap:info/cap:area", NS)
    }
    nacka = "59.300000,18.100000 59.300000,18.300000 59.400000,18.300000 59.300000,18.100000"
    assert polygons["Nacka kommun"] == [nacka]
    # The open ring is closed (first point repeated); each polygon of a MultiPolygon is one.
    assert polygons["Botkyrka kommun"] == [
        "59.200000,17.800000 59.200000,17.900000 59.250000,17.900000 59.200000,17.800000",
        nacka,
    ]


def test_the_stored_alert_cannot_be_changed_or_deleted(message, rkk):
    """The portal's role may not (no privilege), and the trigger refuses whoever tries."""
    alert = export(message, rkk)
    with pytest.raises(DatabaseError), transaction.atomic():
        CapAlert.objects.filter(pk=alert.pk).update(xml="<alert/>")
    with pytest.raises(DatabaseError), transaction.atomic():
        CapAlert.objects.filter(pk=alert.pk).delete()
    assert alert.history.count() == 1


def test_a_second_alert_for_one_message_is_refused_by_the_database(message, rkk):
    alert = export(message, rkk)
    with pytest.raises(IntegrityError), transaction.atomic():
        CapAlert.objects.create(
            **{
                f.name: getattr(alert, f.name)
                for f in CapAlert._meta.concrete_fields
                if f.name not in ("id", "identifier")
            },
            identifier=alert.identifier + "-2",
        )
    assert JointMessage.objects.get(pk=message.pk).cap_alerts.count() == 1


def test_an_invalid_document_is_refused_by_the_schema():
    content = build.AlertContent(
        status="Actual",
        category="Safety",
        event="Storm",
        urgency="Soon",  # not a CAP urgency
        severity="Minor",
        certainty="Likely",
        sender_name="",
        headline="h",
        description="d",
        instruction="",
        incident_ref="ssr-incident-1",
    )
    from django.utils import timezone

    xml = build.alert_xml(
        content, identifier="x", sender="s", sent=timezone.now(), msg_type="Alert"
    )
    assert any("urgency" in error for error in build.schema_errors(xml))


def test_characters_xml_cannot_carry_are_left_out(message, rkk):
    alert = export(message, rkk, instruction="Stanna\x0b inne.\x00")
    assert text(parsed(alert), "cap:info/cap:instruction") == "Stanna inne."
