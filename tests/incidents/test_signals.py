"""A signal reaches someone: the RSIB on duty at once on every channel, with an acknowledgement
link; the RKK and the secretariat's duty address when nobody has seen it in time, or at once
when no RSIB is on duty; the signaller and the RSIB see who was alerted and who has seen it."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents import services, signal_alerts
from incidents.models import OnCallRole, Shift, Signal, SignalReceipt
from incidents.signal_alerts import escalate_signals, open_signals_for
from notifications.models import Notification
from tests.incidents.conftest import client_for

pytestmark = pytest.mark.django_db

DUTY_EMAIL = "kansli-beredskap@example.org"
DUTY_PHONE = "+46 70 999 00 00"


@pytest.fixture(autouse=True)
def duty_address(settings):
    settings.SECRETARIAT_DUTY_EMAIL = DUTY_EMAIL
    settings.SECRETARIAT_DUTY_PHONE = DUTY_PHONE
    settings.SIGNAL_ESCALATE_MINUTES = 5


@pytest.fixture
def reachable_rsib(rsib):
    rsib.person.email = "rut@example.org"
    rsib.person.mobile = "+46 70 111 11 11"
    rsib.person.save()
    return rsib


@pytest.fixture
def reachable_rkk(rkk):
    rkk.person.email = "kim@example.org"
    rkk.person.mobile = "+46 70 222 22 22"
    rkk.person.save()
    return rkk


def signal(member_user, **extra) -> Signal:
    fields = {"what": "Brand i industriområde, rök över E4", "assessment": "Stor påverkan"}
    return services.signal_create(
        actor=member_user.person.actor, signalled_by=member_user, **{**fields, **extra}
    )


def rows(**filters):
    return Notification.objects.filter(kind="signal_alert", **filters)


def link(person, channel: str) -> str:
    body = rows(recipient=person, channel=channel).get().body
    return re.search(r"/handelser/signaler/kvittera/[^/\s]+/", body).group(0)


# --- Alerting ---------------------------------------------------------------------------------


def test_a_signal_alerts_the_rsib_on_duty_at_once_on_every_channel(
    member_user, reachable_rsib, reachable_rkk
):
    made = signal(member_user)
    assert {(r.recipient.user, r.channel) for r in rows()} == {
        (reachable_rsib, "email"),
        (reachable_rsib, "sms"),
        (reachable_rsib, "portal"),
    }
    email = rows(channel="email").get()
    assert "Brand i industriområde" in email.body and "Stor påverkan" in email.body
    assert "/handelser/signaler/kvittera/" in email.body
    assert reverse("incidents:signal_detail", args=[made.pk]) in email.body
    sms = rows(channel="sms").get().body
    assert sms.startswith("SSR") and "/handelser/signaler/kvittera/" in sms and len(sms) <= 480
    [receipt] = made.receipts.all()
    assert receipt.role == "rsib" and receipt.person == reachable_rsib.person
    assert receipt.alerted_at and not receipt.seen_at and not receipt.fallback
    assert Signal.objects.get().escalated_at is None


def test_alerting_a_signal_again_sends_nothing_twice(member_user, reachable_rsib):
    made = signal(member_user)
    before = rows().count()
    signal_alerts.signal_alert(made)
    assert rows().count() == before == 3
    assert made.receipts.count() == 1


def test_with_no_rsib_on_duty_the_fallback_is_alerted_at_once(member_user, reachable_rkk):
    made = signal(member_user)
    assert {(r.recipient.user if r.recipient else r.address, r.channel) for r in rows()} == {
        (reachable_rkk, "email"),
        (reachable_rkk, "sms"),
        (reachable_rkk, "portal"),
        (DUTY_EMAIL, "email"),
        (DUTY_PHONE, "sms"),
    }
    made.refresh_from_db()
    assert made.escalated_at is not None
    assert {r.role for r in made.receipts.all()} == {"rkk", "secretariat"}
    assert "Ingen RSIB är i tjänst" in rows(address=DUTY_EMAIL).get().body
    # The beat finds nothing left to do.
    later = timezone.now() + datetime.timedelta(minutes=30)
    assert escalate_signals(now=later) == 0
    assert rows().count() == 5


def test_an_unseen_signal_goes_to_the_fallback_once_after_the_window(
    member_user, reachable_rsib, reachable_rkk
):
    made = signal(member_user)
    start = made.created_at
    assert escalate_signals(now=start + datetime.timedelta(minutes=4)) == 0
    assert escalate_signals(now=start + datetime.timedelta(minutes=5)) == 1
    assert escalate_signals(now=start + datetime.timedelta(minutes=6)) == 0
    fallback = rows().exclude(recipient=reachable_rsib.person)
    assert {(r.recipient.user if r.recipient else r.address, r.channel) for r in fallback} == {
        (reachable_rkk, "email"),
        (reachable_rkk, "sms"),
        (reachable_rkk, "portal"),
        (DUTY_EMAIL, "email"),
        (DUTY_PHONE, "sms"),
    }
    assert "Inte sedd på 5 minuter" in rows(address=DUTY_EMAIL).get().subject
    # A repeated escalation of the same signal (a retried task) queues nothing new.
    Signal.objects.filter(pk=made.pk).update(escalated_at=None)
    escalate_signals(now=start + datetime.timedelta(minutes=7))
    assert rows().count() == 8


def test_a_seen_signal_is_not_escalated(member_user, reachable_rsib, reachable_rkk):
    made = signal(member_user)
    client_for(reachable_rsib).get(reverse("incidents:signal_detail", args=[made.pk]))
    assert escalate_signals(now=made.created_at + datetime.timedelta(minutes=10)) == 0
    assert not rows(recipient=reachable_rkk.person).exists()


def test_a_handled_signal_is_not_escalated(member_user, reachable_rsib, reachable_rkk):
    made = signal(member_user)
    Signal.objects.filter(pk=made.pk).update(status=Signal.Status.DISMISSED)
    assert escalate_signals(now=made.created_at + datetime.timedelta(minutes=10)) == 0


def test_the_escalation_is_a_beat_task(settings):
    from incidents.tasks import escalate_signals as task

    entries = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "incidents.tasks.escalate_signals" in entries
    assert task.delay().get() == 0


# --- Seeing it --------------------------------------------------------------------------------


def test_the_link_marks_the_signal_seen_once_and_says_how(member_user, reachable_rsib):
    made = signal(member_user)
    url = link(reachable_rsib.person, "sms")
    anonymous = Client()
    page = anonymous.get(url)
    assert page.status_code == 200 and "Brand i industriområde" in page.content.decode()
    assert not SignalReceipt.objects.get().seen_at  # opening the link changes nothing
    assert anonymous.post(url).status_code == 200
    receipt = SignalReceipt.objects.get()
    assert receipt.seen_at and receipt.seen_via == "sms"
    assert receipt.history.count() == 2
    again = anonymous.post(link(reachable_rsib.person, "email"))
    assert again.status_code == 409
    assert SignalReceipt.objects.get().seen_via == "sms"
    assert escalate_signals(now=made.created_at + datetime.timedelta(minutes=10)) == 0


def test_an_expired_or_forged_link_is_a_clear_page(member_user, reachable_rsib, settings):
    signal(member_user)
    url = link(reachable_rsib.person, "email")
    with time_machine.travel(datetime.timedelta(hours=settings.ACKNOWLEDGEMENT_LINK_HOURS + 1)):
        assert Client().post(url).status_code == 410
    assert Client().get("/handelser/signaler/kvittera/not-a-token/").status_code == 404
    # An activation alert's token is not a signal token.
    forged = signal_alerts.signing.dumps({"r": 1, "v": "x"}, salt=signal_alerts.ACK_SALT)
    assert Client().get(f"/handelser/signaler/kvittera/{forged}/").status_code == 404
    assert SignalReceipt.objects.get().seen_at is None


def test_opening_the_signal_as_the_rsib_counts_as_seen(member_user, reachable_rsib):
    made = signal(member_user)
    page = client_for(reachable_rsib).get(reverse("incidents:signal_detail", args=[made.pk]))
    assert page.status_code == 200
    receipt = SignalReceipt.objects.get()
    assert receipt.seen_via == "portal" and receipt.seen_by == reachable_rsib


def test_opening_it_as_the_secretariat_marks_the_duty_line_seen(
    member_user, secretariat, secretariat_user
):
    made = signal(member_user)  # no RSIB on duty: the duty address was alerted
    secretariat.get(reverse("incidents:signal_detail", args=[made.pk]))
    duty = SignalReceipt.objects.get(key="secretariat:duty")
    assert duty.seen_by == secretariat_user and duty.seen_via == "portal"


def test_a_secretariat_member_who_was_not_alerted_gets_a_line(
    member_user, reachable_rsib, secretariat, secretariat_user
):
    made = signal(member_user)
    secretariat.get(reverse("incidents:signal_detail", args=[made.pk]))
    line = SignalReceipt.objects.get(person=secretariat_user.person)
    assert line.alerted_at is None and line.seen_at and line.role == "secretariat"
    assert escalate_signals(now=made.created_at + datetime.timedelta(minutes=10)) == 0


# --- The pages --------------------------------------------------------------------------------


def test_the_form_names_the_rsib_on_duty(member_user, reachable_rsib):
    page = client_for(member_user).get(reverse("incidents:signal_create")).content.decode()
    assert "Rut Jour" in page and "tel:+46701111111" in page


def test_the_form_says_who_receives_it_when_the_roster_has_a_gap(member_user, rsib_off):
    page = client_for(member_user).get(reverse("incidents:signal_create")).content.decode()
    assert "Ingen RSIB är i tjänst" in page and "RKK" in page and "kansliets" in page


def test_the_signaller_lands_on_their_signal_and_sees_who_has_seen_it(member_user, reachable_rsib):
    client = client_for(member_user)
    response = client.post(
        reverse("incidents:signal_create"),
        {"what": "Storm", "assessment": "Behov", "idempotency_key": "0" * 32},
    )
    made = Signal.objects.get()
    assert response.status_code == 302 and response.url == made.get_absolute_url()
    page = client.get(made.get_absolute_url()).content.decode()
    assert "Rut Jour" in page and "Inte sett ännu" in page
    assert "Avfärda" not in page  # the signaller cannot dismiss
    assert not SignalReceipt.objects.get().seen_at  # the signaller's visit is not a receipt
    client_for(reachable_rsib).get(made.get_absolute_url())
    page = client.get(made.get_absolute_url()).content.decode()
    assert "I portalen" in page and "Inte sett ännu" not in page
    assert client.post(made.get_absolute_url()).status_code == 403
    # A repeated submit (the same key) signals once.
    client.post(
        reverse("incidents:signal_create"),
        {"what": "Storm", "assessment": "Behov", "idempotency_key": "0" * 32},
    )
    assert Signal.objects.count() == 1 and rows(channel="email").count() == 1


def test_another_member_cannot_see_the_signal(member_user, holder, reachable_rsib):
    made = signal(member_user)
    assert client_for(holder).get(made.get_absolute_url()).status_code == 403


def test_dismissing_counts_as_seen(member_user, reachable_rsib):
    made = signal(member_user)
    services.signal_dismiss(signal=made, by=reachable_rsib)
    assert SignalReceipt.objects.get().seen_at is not None


# --- The start page's list --------------------------------------------------------------------


def test_open_signals_are_for_coordinators_only(
    member_user, reachable_rsib, secretariat_user, django_assert_max_num_queries
):
    for i in range(6):
        signal(member_user, what=f"Signal {i}")
    Signal.objects.filter(what="Signal 0").update(status=Signal.Status.DISMISSED)
    client_for(reachable_rsib).get(Signal.objects.get(what="Signal 1").get_absolute_url())
    assert list(open_signals_for(member_user)) == []
    with django_assert_max_num_queries(4):
        listed = list(open_signals_for(reachable_rsib))
    assert len(listed) == 5
    assert [s.first_seen_at is not None for s in listed].count(True) == 1
    assert len(list(open_signals_for(secretariat_user))) == 5


def test_the_open_signals_partial_links_each_signal(member_user, reachable_rsib):
    from django.template.loader import render_to_string

    made = signal(member_user)
    html = render_to_string(
        "incidents/_open_signals.html", {"open_signals": list(open_signals_for(reachable_rsib))}
    )
    assert made.get_absolute_url() in html and "Inte sett ännu" in html
    assert render_to_string("incidents/_open_signals.html", {"open_signals": []}).strip() == ""


def test_no_one_on_duty_and_no_duty_address_is_said(member_user, settings):
    settings.SECRETARIAT_DUTY_EMAIL = ""
    settings.SECRETARIAT_DUTY_PHONE = ""
    made = signal(member_user)
    assert not made.receipts.exists() and not rows().exists()
    assert not Shift.objects.filter(role=OnCallRole.RSIB).exists()
