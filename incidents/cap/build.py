"""The CAP 1.2 document of a joint message: what goes in (``AlertContent``, hashed so an export
with unchanged content is no new alert) and the XML (``alert_xml``). The areas are the incident's
affected municipalities with their kommunkod as geocode and, if ``CAP_AREAS_GEOJSON`` names a
GeoJSON file, their polygons."""

import datetime
import functools
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from lxml import etree

from ..models import Incident, JointMessage
from ..models.cap import cap_datetime

NS = "urn:oasis:names:tc:emergency:cap:1.2"
SCHEMA = Path(__file__).parent / "schema" / "CAP-v1.2.xsd"
LANGUAGE = "sv-SE"
# The geocode's valueName: there is no registered name for Sweden's municipality codes (SCB's
# four-digit kommunkod, also the EU's LAU code), so the name says what the value is.
GEOCODE_NAME = "SE-kommunkod"
# GeoJSON properties that may carry a municipality's code, in the order they are tried.
CODE_PROPERTIES = ("kommunkod", "KnKod", "kom_kod", "code", "ref:se:kommunkod", "id")

URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")

# Words in an event type's name (lower case, Swedish) → CAP category. First match wins;
# none → "Safety" (general public safety, what a joint message to the public is about).
CATEGORY_WORDS = (
    (("brand", "skogsbrand"), "Fire"),
    (("cbrn", "kemisk", "utsläpp", "gas", "strålning", "kärn"), "CBRNE"),
    (("smitta", "pandemi", "epidemi", "sjukdom", "vård"), "Health"),
    (("översvämning", "storm", "väder", "snö", "skyfall", "värme", "torka", "ras", "skred"), "Met"),
    (("el", "elavbrott", "tele", "it", "cyber", "vatten", "dricksvatten", "värme"), "Infra"),
    (("trafik", "transport", "tåg", "flyg", "väg"), "Transport"),
    (("terror", "hot", "våld", "attentat"), "Security"),
    (("miljö", "olja"), "Env"),
)


def category_for(incident: Incident) -> str:
    name = (incident.event_type.name if incident.event_type_id else incident.title).lower()
    words = set(name.replace("-", " ").replace(",", " ").split())
    for keys, category in CATEGORY_WORDS:
        if any(key in words or (len(key) > 3 and key in name) for key in keys):
            return category
    return "Safety"


@dataclass(frozen=True)
class Area:
    name: str
    code: str
    polygons: tuple[str, ...] = ()


@dataclass(frozen=True)
class AlertContent:
    """Everything an alert says apart from its identity (identifier, sent, type, references)."""

    status: str
    category: str
    event: str
    urgency: str
    severity: str
    certainty: str
    sender_name: str
    headline: str
    description: str
    instruction: str
    incident_ref: str
    areas: tuple[Area, ...] = field(default=())

    @property
    def digest(self) -> str:
        text = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def content_for(
    message: JointMessage, *, urgency: str, severity: str, certainty: str, instruction: str
) -> AlertContent:
    incident = message.incident
    municipalities = sorted(
        (m for m in incident.affected_municipalities.all() if m.municipality_code),
        key=lambda m: m.name,
    )
    polygons = county_polygons()
    senders = sorted(s.actor.name for s in message.signatures.select_related("actor"))
    headline = f"{incident.title}: {message.target_group}"
    return AlertContent(
        status="Exercise" if incident.is_exercise else "Actual",
        category=category_for(incident),
        event=incident.event_type.name if incident.event_type_id else incident.title,
        urgency=urgency,
        severity=severity,
        certainty=certainty,
        sender_name=", ".join(senders),
        # CAP advises a headline under 160 characters (some devices show no more).
        headline=headline if len(headline) <= 160 else headline[:159].rstrip() + "…",
        description=message.text,
        instruction=xml_text(instruction).strip(),
        incident_ref=f"ssr-incident-{incident.pk}",
        areas=tuple(
            Area(m.name, m.municipality_code, polygons.get(m.municipality_code, ()))
            for m in municipalities
        ),
    )


# --- Polygons from a GeoJSON file -----------------------------------------------------------


def county_polygons() -> dict[str, tuple[str, ...]]:
    """Kommunkod → CAP polygons, from ``CAP_AREAS_GEOJSON`` if set; empty otherwise. Read once
    per file version (path and modification time)."""
    path = getattr(settings, "CAP_AREAS_GEOJSON", "")
    if not path:
        return {}
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return {}
    return _polygons_of(str(path), mtime)


@functools.lru_cache(maxsize=4)
def _polygons_of(path: str, _mtime: int) -> dict[str, tuple[str, ...]]:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    features = data.get("features", []) if data.get("type") == "FeatureCollection" else [data]
    found: dict[str, list[str]] = {}
    for feature in features:
        props = feature.get("properties") or {}
        code = next((str(props[k]) for k in CODE_PROPERTIES if props.get(k) is not None), "")
        geometry = feature.get("geometry") or {}
        if not code:
            continue
        code = code.zfill(4) if code.isdigit() else code
        if geometry.get("type") == "Polygon":
            rings = [geometry["coordinates"][0]]
        elif geometry.get("type") == "MultiPolygon":
            rings = [polygon[0] for polygon in geometry["coordinates"]]
        else:
            continue
        found.setdefault(code, []).extend(r for r in map(cap_polygon, rings) if r)
    return {code: tuple(polygons) for code, polygons in found.items()}


def cap_polygon(ring: list[list[float]]) -> str:
    """A GeoJSON ring ([lon, lat] pairs) as a CAP polygon: "lat,lon" pairs (WGS 84) separated
    by spaces, closed (first = last), at least four pairs; holes are left out (CAP has none)."""
    points = [(float(p[1]), float(p[0])) for p in ring]
    if points and points[0] != points[-1]:
        points.append(points[0])
    if len(points) < 4:
        return ""
    return " ".join(f"{lat:.6f},{lon:.6f}" for lat, lon in points)


# --- XML ------------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry (control characters bar tab and newlines, lone surrogates,
# U+FFFE/U+FFFF): left out, so whatever a form accepted still gives a document.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return NOT_XML.sub("", text)


def alert_xml(
    content: AlertContent,
    *,
    identifier: str,
    sender: str,
    sent: datetime.datetime,
    msg_type: str,
    references: str = "",
    note: str = "",
) -> str:
    def sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
        element = etree.SubElement(parent, f"{{{NS}}}{tag}")
        if text is not None:
            element.text = xml_text(text)
        return element

    alert = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    sub(alert, "identifier", identifier)
    sub(alert, "sender", sender)
    sub(alert, "sent", cap_datetime(sent))
    sub(alert, "status", content.status)
    sub(alert, "msgType", msg_type)
    sub(alert, "scope", "Public")
    if note:
        sub(alert, "note", note)
    if references:
        sub(alert, "references", references)
    sub(alert, "incidents", content.incident_ref)
    info = sub(alert, "info")
    sub(info, "language", LANGUAGE)
    sub(info, "category", content.category)
    sub(info, "event", content.event)
    if msg_type == "Cancel":
        sub(info, "responseType", "AllClear")
    sub(info, "urgency", content.urgency)
    sub(info, "severity", content.severity)
    sub(info, "certainty", content.certainty)
    if content.sender_name:
        sub(info, "senderName", content.sender_name)
    sub(info, "headline", content.headline)
    sub(info, "description", content.description)
    if content.instruction:
        sub(info, "instruction", content.instruction)
    for area in content.areas:
        element = sub(info, "area")
        sub(element, "areaDesc", area.name)
        for polygon in area.polygons:
            sub(element, "polygon", polygon)
        geocode = sub(element, "geocode")
        sub(geocode, "valueName", GEOCODE_NAME)
        sub(geocode, "value", area.code)
    return etree.tostring(alert, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode()


@functools.cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def schema_errors(xml: str) -> list[str]:
    """What the OASIS CAP 1.2 schema says against a document (empty: valid)."""
    validator = schema()
    ok = validator.validate(etree.fromstring(xml.encode()))
    return [] if ok else [str(e) for e in validator.error_log]
