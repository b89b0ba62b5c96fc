"""How fast the network gathers: per incident, the times from signal to activation, from
activation to the first and the last involved actor reached, to every actor acknowledged and to
the first published situation picture; per year, their medians per event type (exercises apart).

An actor counts as *reached* when a message of its activation alert was sent to it (a seat
holder's e-mail or SMS, or its 24/7 address; the portal inbox does not reach anyone in a crisis)
or when it acknowledged, whichever came first. The actors are those alerted for the incident: a
time that needs every actor ("last reached", "all acknowledged") is unknown while one is missing.
Everything is read for a whole list of incidents in a constant number of queries.
"""

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Min, Q
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.models import Channel, Notification

from .models import ActorAlert, Incident, SeatAlert, SituationPicture

UNKNOWN = "–"

# The measures, in the order of the register's and the statistics' columns.
MEASURES: list[tuple[str, str]] = [
    ("signal_to_activation", gettext_lazy("Signal → activation")),
    ("first_reached", gettext_lazy("Activation → first actor reached")),
    ("last_reached", gettext_lazy("Activation → last actor reached")),
    ("all_acknowledged", gettext_lazy("Activation → all acknowledged")),
    ("first_picture", gettext_lazy("Activation → first picture")),
]
# The measure the chart draws: the figure SSR cites ("40 actors within 15–20 minutes").
CHART_MEASURE = "last_reached"


def minutes(duration: datetime.timedelta | None) -> int | None:
    """Whole minutes, rounded; None when unknown."""
    if duration is None:
        return None
    return round(duration.total_seconds() / 60)


def format_duration(duration: datetime.timedelta | None) -> str:
    """Like "12 min", "1 h 5 min" or "2 h"; "–" when unknown."""
    total = minutes(duration)
    if total is None:
        return UNKNOWN
    if total < 60:
        return _("%(minutes)d min") % {"minutes": total}
    hours, rest = divmod(total, 60)
    if not rest:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}


@dataclass
class GatheringTimes:
    signal_to_activation: datetime.timedelta | None = None
    first_reached: datetime.timedelta | None = None
    last_reached: datetime.timedelta | None = None
    all_acknowledged: datetime.timedelta | None = None
    first_picture: datetime.timedelta | None = None
    actors: int = 0  # how many actors were alerted

    def values(self) -> list[datetime.timedelta | None]:
        return [getattr(self, key) for key, _label in MEASURES]

    @property
    def cells(self) -> list[str]:
        return [format_duration(value) for value in self.values()]

    @property
    def csv_cells(self) -> list[int | str]:
        return [UNKNOWN if m is None else m for m in (minutes(v) for v in self.values())]


def _since(start: datetime.datetime, end: datetime.datetime | None) -> datetime.timedelta | None:
    return None if end is None else end - start


def _earliest(*times: datetime.datetime | None) -> datetime.datetime | None:
    known = [t for t in times if t is not None]
    return min(known) if known else None


def gathering_times(incidents: Sequence[Incident]) -> dict[int, GatheringTimes]:
    """The gathering times of each incident, by id, in five queries whatever their number
    (``from_signal`` is expected to be selected with the incidents)."""
    ids = [i.pk for i in incidents]
    if not ids:
        return {}
    seat_alerts = list(
        SeatAlert.objects.filter(incident_id__in=ids, actor__isnull=False).values_list(
            "pk", "incident_id", "actor_id", "acknowledged_at"
        )
    )
    actor_alerts = list(
        ActorAlert.objects.filter(incident_id__in=ids).values_list(
            "pk", "incident_id", "actor_id", "acknowledged_at"
        )
    )
    sent = _first_sent(
        seat_ids=[row[0] for row in seat_alerts], actor_ids=[row[0] for row in actor_alerts]
    )
    pictures = dict(
        SituationPicture.objects.filter(incident_id__in=ids)
        .values("incident_id")
        .annotate(first=Min("published_at"))
        .values_list("incident_id", "first")
    )
    # Per incident and actor: when first reached, when first acknowledged.
    reached: dict[int, dict[int, datetime.datetime | None]] = defaultdict(dict)
    acknowledged: dict[int, dict[int, datetime.datetime | None]] = defaultdict(dict)
    for model, rows in (("seatalert", seat_alerts), ("actoralert", actor_alerts)):
        for pk, incident_id, actor_id, acknowledged_at in rows:
            at = _earliest(sent.get((model, pk)), acknowledged_at)
            reached[incident_id][actor_id] = _earliest(reached[incident_id].get(actor_id), at)
            acknowledged[incident_id][actor_id] = _earliest(
                acknowledged[incident_id].get(actor_id), acknowledged_at
            )
    result = {}
    for incident in incidents:
        start = incident.activated_at
        times = GatheringTimes(first_picture=_since(start, pictures.get(incident.pk)))
        if incident.from_signal_id:
            times.signal_to_activation = start - incident.from_signal.created_at
        reach = reached.get(incident.pk, {})
        times.actors = len(reach)
        known = [t for t in reach.values() if t is not None]
        if known:
            times.first_reached = min(known) - start
            if len(known) == len(reach):
                times.last_reached = max(known) - start
        acks = list(acknowledged.get(incident.pk, {}).values())
        if acks and all(t is not None for t in acks):
            times.all_acknowledged = max(acks) - start
        result[incident.pk] = times
    return result


def _first_sent(
    *, seat_ids: list[int], actor_ids: list[int]
) -> dict[tuple[str, int], datetime.datetime]:
    """When a message of each alert was first sent, by (model name, alert id): one query."""
    if not seat_ids and not actor_ids:
        return {}
    types = ContentType.objects.get_for_models(SeatAlert, ActorAlert)
    wanted = Q(content_type=types[SeatAlert], object_id__in=seat_ids) | Q(
        content_type=types[ActorAlert], object_id__in=actor_ids
    )
    names = {types[SeatAlert].pk: "seatalert", types[ActorAlert].pk: "actoralert"}
    rows = (
        Notification.objects.filter(wanted, status=Notification.Status.SENT, sent_at__isnull=False)
        .exclude(channel=Channel.PORTAL)
        .values("content_type_id", "object_id")
        .annotate(first=Min("sent_at"))
        .values_list("content_type_id", "object_id", "first")
        .order_by()
    )
    return {(names[ct], object_id): first for ct, object_id, first in rows}


# --- Yearly statistics ----------------------------------------------------------------------


@dataclass
class TypeStatistics:
    """One event type's row: how many incidents, and the median of each measure over the
    incidents where it is known (with how many that were)."""

    event_type: str
    count: int = 0
    medians: list[datetime.timedelta | None] = field(default_factory=list)
    known: list[int] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[str, int]]:
        return [(format_duration(m), n) for m, n in zip(self.medians, self.known, strict=True)]

    @property
    def csv_cells(self) -> list[int | str]:
        return [UNKNOWN if m is None else m for m in (minutes(v) for v in self.medians)]

    def median(self, key: str) -> datetime.timedelta | None:
        return self.medians[[k for k, _label in MEASURES].index(key)]


def _median(values: list[datetime.timedelta]) -> datetime.timedelta | None:
    return statistics.median(values) if values else None


def statistics_by_type(
    incidents: Iterable[Incident], times: dict[int, GatheringTimes]
) -> list[TypeStatistics]:
    """Per event type (by name; "–" for none), the count and medians, sorted by name."""
    grouped: dict[str, list[GatheringTimes]] = defaultdict(list)
    for incident in incidents:
        name = incident.event_type.name if incident.event_type_id else UNKNOWN
        grouped[name].append(times[incident.pk])
    rows = []
    for name in sorted(grouped, key=lambda n: (n == UNKNOWN, n.casefold())):
        columns = list(zip(*(t.values() for t in grouped[name]), strict=True))
        known = [[v for v in column if v is not None] for column in columns]
        rows.append(
            TypeStatistics(
                event_type=name,
                count=len(grouped[name]),
                medians=[_median(values) for values in known],
                known=[len(values) for values in known],
            )
        )
    return rows


@dataclass
class Bar:
    label: str
    value: str
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass
class Chart:
    """A horizontal bar chart, laid out here so the template only draws it."""

    bars: list[Bar]
    height: int
    label_width: int = 220
    bar_area: int = 300
    width: int = 640


BAR_HEIGHT, BAR_GAP = 22, 10


def chart(rows: list[TypeStatistics], key: str = CHART_MEASURE) -> Chart | None:
    """Bars of one measure's median per event type; None when no type has it."""
    values = [(row.event_type, row.median(key)) for row in rows]
    longest = max((v.total_seconds() for _name, v in values if v is not None), default=0)
    if not longest:
        return None
    layout = Chart(bars=[], height=0)
    for position, (name, value) in enumerate(values):
        y = position * (BAR_HEIGHT + BAR_GAP)
        share = 0 if value is None else value.total_seconds() / longest
        width = 0 if value is None else max(2, round(share * layout.bar_area))
        layout.bars.append(
            Bar(
                label=Truncator(name).chars(30),
                value=format_duration(value),
                y=y,
                width=width,
                text_y=y + BAR_HEIGHT - 6,
                value_x=layout.label_width + width + 6,
            )
        )
    layout.height = len(values) * (BAR_HEIGHT + BAR_GAP)
    return layout
