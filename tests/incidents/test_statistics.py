"""The gathering times of the activation register and the yearly statistics (medians per event
type, exercises apart), from known timestamps."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from incidents import services
from incidents.models import ActorAlert, EventType, SeatAlert
from incidents.statistics import format_duration, gathering_times
from notifications.models import Notification
from tests.factories import ActorFactory, MunicipalityFactory
from tests.incidents.conftest import (
    COORDINATOR_ONLY,
    check_permission_matrix,
)

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 10, 7, 0, tzinfo=datetime.UTC)


def minutes(n: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=n)


def sent(alert, at, *, channel="email", status=Notification.Status.SENT) -> Notification:
    return Notification.objects.create(
        dedupe_key=f"test:{alert._meta.model_name}:{alert.pk}:{channel}:{at.isoformat()}",
        channel=channel,
        kind="activation_alert",
        subject="Aktivering",
        body="Aktivering",
        reason="test",
        about=alert,
        status=status,
        sent_at=at if status == Notification.Status.SENT else None,
    )


def activate(*, by, forum, at, signal_at=None, title="Storm", event_type=None, **extra):
    signal = None
    if signal_at is not None:
        with time_machine.travel(signal_at, tick=False):
            signal = services.signal_create(
                actor=ActorFactory(), signalled_by=by, what="Storm", assessment="Stor"
            )
    with time_machine.travel(at, tick=False):
        return services.incident_activate(
            activated_by=by,
            title=title,
            forums=[forum],
            signal=signal,
            event_type=event_type,
            **extra,
        )


def picture(incident, at, by):
    from incidents.picture import services as picture_services

    with time_machine.travel(at, tick=False):
        return picture_services.picture_publish(
            incident=incident, audience="full", summary="Läget", published_by=by
        )


@pytest.fixture
def storm(forum, seat, holder, secretariat_user):
    """Activated 12 minutes after the signal; Huddinge (a seat) and Botkyrka (an affected
    municipality without a seat, alerted at its 24/7 address) are the alerted actors."""
    botkyrka = MunicipalityFactory(name="Botkyrka kommun", alert_email="tib@botkyrka.example")
    incident = activate(
        by=secretariat_user, forum=forum, at=minutes(12), signal_at=T0, municipalities=[botkyrka]
    )
    Notification.objects.all().delete()  # what activation queued is replaced by known times
    return incident


def times_of(incident):
    from incidents.models import Incident

    incident = Incident.objects.select_related("from_signal").get(pk=incident.pk)
    return gathering_times([incident])[incident.pk]


def alerts_of(incident):
    huddinge = SeatAlert.objects.get(incident=incident, actor__name="Huddinge kommun")
    botkyrka = ActorAlert.objects.get(incident=incident, actor__name="Botkyrka kommun")
    return huddinge, botkyrka


def test_gathering_times_from_known_timestamps(storm, secretariat_user):
    huddinge, botkyrka = alerts_of(storm)
    sent(huddinge, minutes(13), channel="portal")  # the inbox reaches nobody in a crisis
    sent(huddinge, minutes(14))
    sent(huddinge, minutes(15), channel="sms")
    sent(botkyrka, minutes(30))
    SeatAlert.objects.filter(pk=huddinge.pk).update(acknowledged_at=minutes(20))
    ActorAlert.objects.filter(pk=botkyrka.pk).update(acknowledged_at=minutes(40))
    picture(storm, minutes(50), secretariat_user)
    picture(storm, minutes(70), secretariat_user)

    times = times_of(storm)

    assert times.actors == 2
    assert times.signal_to_activation == datetime.timedelta(minutes=12)
    assert times.first_reached == datetime.timedelta(minutes=2)
    assert times.last_reached == datetime.timedelta(minutes=18)
    assert times.all_acknowledged == datetime.timedelta(minutes=28)
    assert times.first_picture == datetime.timedelta(minutes=38)
    assert times.cells == ["12 min", "2 min", "18 min", "28 min", "38 min"]


def test_an_actor_not_reached_leaves_the_last_and_the_acknowledged_times_unknown(storm):
    huddinge, botkyrka = alerts_of(storm)
    sent(huddinge, minutes(14))
    sent(botkyrka, minutes(16), status=Notification.Status.FAILED)
    SeatAlert.objects.filter(pk=huddinge.pk).update(acknowledged_at=minutes(20))

    times = times_of(storm)

    assert times.first_reached == datetime.timedelta(minutes=2)
    assert times.last_reached is None
    assert times.all_acknowledged is None
    assert times.first_picture is None
    assert times.cells == ["12 min", "2 min", "–", "–", "–"]


def test_an_acknowledgement_without_a_delivered_message_counts_as_reached(storm):
    huddinge, botkyrka = alerts_of(storm)
    sent(huddinge, minutes(25))
    SeatAlert.objects.filter(pk=huddinge.pk).update(acknowledged_at=minutes(17))  # in the portal
    ActorAlert.objects.filter(pk=botkyrka.pk).update(acknowledged_at=minutes(22))

    times = times_of(storm)

    assert times.first_reached == datetime.timedelta(minutes=5)
    assert times.last_reached == datetime.timedelta(minutes=10)
    assert times.all_acknowledged == datetime.timedelta(minutes=10)


def test_an_incident_activated_without_a_signal_has_no_signal_time(forum, seat, secretariat_user):
    incident = activate(by=secretariat_user, forum=forum, at=minutes(0))
    assert times_of(incident).signal_to_activation is None


@pytest.mark.parametrize(
    ("duration", "shown"),
    [
        (None, "–"),
        (datetime.timedelta(seconds=29), "0 min"),
        (datetime.timedelta(minutes=59, seconds=40), "1 h"),
        (datetime.timedelta(minutes=65), "1 h 5 min"),
        (datetime.timedelta(hours=26), "26 h"),
    ],
)
def test_durations_are_shown_in_minutes_or_hours_and_minutes(duration, shown):
    assert format_duration(duration) == shown


# --- The register ---------------------------------------------------------------------------


def test_register_shows_counts_and_gathering_times(storm, secretariat, secretariat_user):
    huddinge, botkyrka = alerts_of(storm)
    sent(huddinge, minutes(14))
    sent(botkyrka, minutes(30))
    picture(storm, minutes(50), secretariat_user)

    page = secretariat.get(reverse("incidents:register")).content.decode()

    assert '<th scope="col" class="num">Antal</th>' in page
    assert "Nummer" not in page
    assert "Signal → aktivering" in page
    for cell in ("12 min", "2 min", "18 min", "38 min"):
        assert f'<td class="num">{cell}</td>' in page
    assert reverse("incidents:statistics") in page


def test_register_csv_carries_the_gathering_times_in_minutes(storm, secretariat):
    huddinge, _botkyrka = alerts_of(storm)
    sent(huddinge, minutes(14))

    response = secretariat.get(reverse("incidents:register_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert header[-5:] == [
        "Signal → aktivering (minuter)",
        "Aktivering → första aktör nådd (minuter)",
        "Aktivering → sista aktör nådd (minuter)",
        "Aktivering → alla har kvitterat (minuter)",
        "Aktivering → första lägesbild (minuter)",
    ]
    assert row[-5:] == ["12", "2", "–", "–", "–"]


def test_register_queries_do_not_grow_with_the_incidents(
    forum, seat, holder, secretariat, secretariat_user, django_assert_max_num_queries
):
    def load():
        with django_assert_max_num_queries(25) as counted:
            secretariat.get(reverse("incidents:register"))
        return len(counted)

    activate(by=secretariat_user, forum=forum, at=minutes(0), signal_at=T0)
    load()  # the first request of the session saves it
    one = load()
    for n in range(1, 6):
        incident = activate(
            by=secretariat_user,
            forum=forum,
            at=minutes(100 * n),
            signal_at=minutes(100 * n - 5),
            title=f"Händelse {n}",
        )
        for alert in incident.alerts.all():
            sent(alert, minutes(100 * n + 3))
        picture(incident, minutes(100 * n + 30), secretariat_user)
    assert load() == one


# --- The yearly statistics ------------------------------------------------------------------


@pytest.fixture
def year_of_incidents(forum, seat, holder, secretariat_user):
    """Two storms (signal → activation 10 and 20 minutes), one flood (30), a storm exercise (4)
    and a storm of the year before (99)."""
    storm_type = EventType.objects.create(name="Storm")
    flood_type = EventType.objects.create(name="Översvämning")
    made = []
    for start, lead, event_type, extra in [
        (minutes(0), 10, storm_type, {}),
        (minutes(600), 20, storm_type, {}),
        (minutes(1200), 30, flood_type, {}),
        (minutes(1800), 4, storm_type, {"is_exercise": True}),
        (minutes(-400 * 24 * 60), 99, storm_type, {}),
    ]:
        incident = activate(
            by=secretariat_user,
            forum=forum,
            at=start + datetime.timedelta(minutes=lead),
            signal_at=start,
            event_type=event_type,
            title=f"{event_type.name} {start:%Y-%m-%d %H:%M}",
            **extra,
        )
        made.append(incident)
    Notification.objects.all().delete()
    # The first storm's actor was reached 6 minutes after its activation, the second's after 8.
    sent(made[0].alerts.get(), made[0].activated_at + datetime.timedelta(minutes=6))
    sent(made[1].alerts.get(), made[1].activated_at + datetime.timedelta(minutes=8))
    return made


def test_statistics_show_medians_per_event_type_with_exercises_apart(
    year_of_incidents, secretariat
):
    response = secretariat.get(reverse("incidents:statistics"), {"year": 2026})

    real = {row.event_type: row for row in response.context["real"]}
    exercises = {row.event_type: row for row in response.context["exercises"]}
    assert set(real) == {"Storm", "Översvämning"}
    assert real["Storm"].count == 2
    assert real["Storm"].median("signal_to_activation") == datetime.timedelta(minutes=15)
    assert real["Storm"].median("first_reached") == datetime.timedelta(minutes=7)
    assert real["Storm"].known == [2, 2, 2, 0, 0]
    assert real["Översvämning"].median("signal_to_activation") == datetime.timedelta(minutes=30)
    assert real["Översvämning"].median("first_reached") is None
    assert exercises["Storm"].count == 1
    assert exercises["Storm"].median("signal_to_activation") == datetime.timedelta(minutes=4)


def test_statistics_page_draws_an_accessible_svg_chart_beside_the_table(
    year_of_incidents, secretariat
):
    page = secretariat.get(reverse("incidents:statistics"), {"year": 2026}).content.decode()

    assert '<svg class="chart"' in page
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in page
    assert '<title id="chart-title">' in page
    assert page.count("<rect ") == 2  # one bar per event type
    assert "Övningar" in page
    assert "<script" not in page.split("<svg")[1].split("</svg>")[0]


def test_statistics_of_a_year_without_incidents_say_so(secretariat):
    page = secretariat.get(reverse("incidents:statistics"), {"year": 2001}).content.decode()
    assert "Inga händelser detta år." in page
    assert "<svg" not in page


def test_statistics_csv_has_a_row_per_event_type_and_kind(year_of_incidents, secretariat):
    response = secretariat.get(reverse("incidents:statistics_csv"), {"year": 2026})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["År", "Typhändelse", "Övning", "Antal"]
    body = {(row[1], row[2]): row for row in rows[1:]}
    assert set(body) == {("Storm", "nej"), ("Översvämning", "nej"), ("Storm", "ja")}
    assert body[("Storm", "nej")][3:] == ["2", "15", "7", "7", "–", "–"]
    assert body[("Storm", "ja")][3:5] == ["1", "4"]


def test_statistics_queries_do_not_grow_with_the_incidents(
    year_of_incidents, forum, secretariat, secretariat_user, django_assert_max_num_queries
):
    url = reverse("incidents:statistics") + "?year=2026"
    secretariat.get(url)  # the first request of the session saves it
    with django_assert_max_num_queries(25) as before:
        secretariat.get(url)
    for n in range(4):
        activate(
            by=secretariat_user,
            forum=forum,
            at=minutes(3000 + 60 * n),
            signal_at=minutes(2990 + 60 * n),
            title=f"Fler {n}",
        )
    with django_assert_max_num_queries(len(before)):
        secretariat.get(url)


STATISTICS_PAGES = [
    ("incidents:statistics", {}, COORDINATOR_ONLY),
    ("incidents:statistics_csv", {}, COORDINATOR_ONLY),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"), STATISTICS_PAGES, ids=[p[0] for p in STATISTICS_PAGES]
)
def test_permission_matrix(name, kwargs, expected, objects, clients):
    check_permission_matrix(name, kwargs, expected, objects, clients)
