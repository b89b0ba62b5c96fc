"""A small, complete portal for the URL-conf walks (object access and form fuzzing): one object
behind every URL that takes an id, all of them belonging to forum "Regional samordningsgrupp",
its incident, or the actor Huddinge; the ``outsider`` of tests/conftest.py sits only in another
forum and must reach none of them.

Every object carries ``MARKER`` in a text a page would show, so a walk can check that a refused
page does not leak it.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actors.models import ActorFunction, Assignment, Person
from forums import services as forum_services
from forums.models import CalendarFeed
from incidents import alerts
from incidents import services as incident_services
from incidents.models import EventType, PreparedDirection, SeatAlert
from incidents.picture import services as picture_services
from incidents.roster import services as roster_services
from membership.documents import invoice_documents
from membership.invoicing import invoice_run_issue
from membership.models import Agreement, FeeSchedule, Invoice, Payment, Reimbursement
from notifications.models import Channel, Notification
from tests.factories import (
    ActorFactory,
    ClusterFactory,
    FunctionFactory,
    MeetingFactory,
    MunicipalityFactory,
    PersonFactory,
    UserFactory,
)

MARKER = "HEMLIG-7f3a"
D = datetime.date


def build_world(*, forum, seat, holder, rsib, rkk, settings) -> dict:
    """Objects of forum ``forum`` (where ``holder`` sits) and of an incident that activated it."""
    settings.SELLER = {
        **settings.SELLER,
        "org_number": "202100-0076",
        "bankgiro": "5050-1055",
        "address": "Hantverkargatan 29",
        "postal_code": "10422",
    }
    huddinge = seat.actor
    holder_person = Person.objects.get(user=holder)
    world: dict = {"forum": forum, "seat": seat, "actor": huddinge, "person": holder_person}
    world["actor_function"] = ActorFunction.objects.get(actor=huddinge, function=seat.function)
    world["assignment"] = Assignment.objects.filter(person=holder_person).first()
    world["function"] = FunctionFactory(name=f"Funktion {MARKER}")
    cluster = ClusterFactory(name=f"Kluster {MARKER}")
    world["cluster_representation"] = forum_services.cluster_representation_create(
        cluster=cluster, municipality=MunicipalityFactory(cluster=cluster), starts_on=D(2026, 1, 1)
    )

    # --- The forum's meeting, its agenda, attachment, decision, action item and minutes.
    meeting = MeetingFactory(forum=forum, title=f"Möte {MARKER}")
    world["meeting"] = meeting
    world["agenda_item"] = forum_services.agenda_item_add(meeting=meeting, title=f"Punkt {MARKER}")
    world["attachment"] = forum_services.attachment_add(
        meeting=meeting,
        upload=SimpleUploadedFile("underlag.txt", f"Underlag {MARKER}".encode()),
        sharing_level="forum",
    )
    world["decision"] = forum_services.decision_add(meeting=meeting, text=f"Beslut {MARKER}")
    world["action_item"] = forum_services.action_item_add(
        meeting=meeting, title=f"Åtgärd {MARKER}", owner=huddinge
    )
    forum_services.minutes_generate(meeting=meeting)
    world["calendar_feed"] = CalendarFeed.objects.create(user=holder)

    # --- An incident that activated the forum, with everything that happens in one.
    prepared = PreparedDirection.objects.create(
        event_type=EventType.objects.create(name="Storm"),
        title=f"Inriktning {MARKER}",
        action_plan="1. Samla forum.",
        owner=ActorFactory(name="Länsstyrelsen"),
        review_due=D(2027, 6, 30),
    )
    world["prepared_direction"] = prepared
    world["signal"] = incident_services.signal_create(
        actor=huddinge, signalled_by=holder, what=f"Signal {MARKER}", assessment="Stor"
    )
    incident = incident_services.incident_activate(
        activated_by=rsib,
        title=f"Storm {MARKER}",
        forums=[forum],
        prepared_direction=prepared,
        reporting_interval_minutes=60,
    )
    world["incident"] = incident
    incident_services.report_submit(
        incident=incident,
        actor=huddinge,
        submitted_by=holder,
        situation=f"Läge {MARKER}",
        impact="normal",
    )
    world["picture"] = picture_services.picture_publish(
        incident=incident, audience="full", summary=f"Bild {MARKER}", published_by=rsib
    )
    world["direction"] = incident_services.direction_issue(
        incident=incident, text=f"Inriktning {MARKER}", by=rsib
    )
    world["message"] = incident_services.message_draft(
        incident=incident,
        target_group="Allmänheten",
        channel="Webb",
        text=f"Budskap {MARKER}",
        senders=[huddinge],
        by=rkk,
    )
    alert = SeatAlert.objects.filter(incident=incident).first()
    world["ack_token"] = alerts.ack_token(alert, holder_person)

    # --- The on-call roster: the RSIB's shift and a change requested for it.
    shift = Person.objects.get(user=rsib).shifts.first()
    world["shift"] = shift
    world["shift_change"] = roster_services.shift_change_request(
        shift=shift,
        new_person=PersonFactory(),
        reason=f"Byte {MARKER}",
        requested_by=rsib,
    )

    # --- Huddinge's membership: agreement, fee schedule, an invoice, a reimbursement.
    huddinge.org_number = "212000-0068"
    huddinge.invoice_address = "Box 1\n141 85 Huddinge"
    huddinge.save()
    huddinge.population_figures.create(reference_date=D(2025, 12, 31), inhabitants=114_305)
    world["agreement"] = Agreement.objects.create(
        actor=huddinge,
        signed_on=D(2024, 3, 1),
        signatory_name=f"Signatär {MARKER}",
        invoice_contact=PersonFactory(actor=huddinge, user=UserFactory()),
        buyer_reference="Ref 123",
        document=SimpleUploadedFile("avtal.pdf", f"%PDF-1.7 Avtal {MARKER}".encode()),
    )
    world["fee_schedule"] = FeeSchedule.objects.create(year=2026, approved_on=D(2025, 11, 1))
    invoice_run_issue(year=2026, issue_date=D(2026, 11, 30))
    world["invoice"] = Invoice.objects.get(actor=huddinge, year=2026)
    invoice_documents(world["invoice"].pk)
    world["reimbursement"] = Reimbursement.objects.create(
        actor=huddinge, year=2026, amount=1000, hours=10, description=f"Ersättning {MARKER}"
    )
    world["unmatched_payment"] = Payment.objects.create(
        amount=4200, paid_on=D(2026, 11, 30), reference=MARKER, source=Payment.Source.BGMAX
    )

    # --- A portal message to the holder.
    world["notification"] = Notification.objects.create(
        recipient=holder_person,
        channel=Channel.PORTAL,
        subject=f"Meddelande {MARKER}",
        body=MARKER,
        dedupe_key=f"world-{MARKER}",
        kind="world",
        reason="Test",
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
    )
    # --- A webhook subscription of Huddinge's system (secretariat pages only).
    from notifications.models import WebhookSubscription

    world["webhook"] = WebhookSubscription.objects.create(
        actor=huddinge,
        name=f"Webhook {MARKER}",
        url="https://huddinge.example/webhooks",
        secret="whsec_" + "A" * 43 + "=",
        event_types=["picture.published"],
        owner=holder_person,
    )
    # --- An API token of Huddinge's system (the secretariat's and its contact's pages only).
    from api.models import ApiToken

    world["api_token"] = ApiToken.objects.create(
        actor=huddinge,
        name=f"System {MARKER}",
        scopes=["read_incidents"],
        expires_at=timezone.now() + datetime.timedelta(days=30),
        created_by=rsib,
        secret_hash="0" * 64,
    )
    # --- Ordinary-mode planning: goals, Huddinge's activity and assessment, an exercise.
    world.update(_planning_world(forum=forum, huddinge=huddinge, holder=holder))

    world["year"] = 2026
    world["user"] = holder
    world["rsib"] = rsib
    world["rkk"] = rkk
    return world


def _planning_world(*, forum, huddinge, holder) -> dict:
    from incidents.models import FollowUp, FollowUpAction, Incident
    from planning import services as planning_services
    from planning.models import (
        Capability,
        GoalArea,
        GoalPeriod,
        GoalPeriodVersion,
        PlanningSettings,
        SubCapability,
    )

    PlanningSettings.objects.update_or_create(
        pk=1,
        defaults={
            "adopting_forum": forum,
            "presenting_forum": forum,
            "contact_function": FunctionFactory(name=f"Kontakt {MARKER}"),
        },
    )
    period = GoalPeriod.objects.create(name=f"Målbild {MARKER}", start_year=2025, end_year=2028)
    version = GoalPeriodVersion.objects.create(
        period=period, number=1, status=GoalPeriodVersion.Status.ADOPTED, overall_goal=MARKER
    )
    area = GoalArea.objects.create(
        version=version, code="2.3", name=f"Målområde {MARKER}", goal_statement=MARKER
    )
    plan = planning_services.plan_create(year=2026, summary=f"Plan {MARKER}")
    activity = planning_services.activity_save(
        plan=plan,
        goal_area=area,
        title=f"Aktivitet {MARKER}",
        owner=huddinge,
        starts_on=D(2026, 2, 1),
        ends_on=D(2026, 5, 31),
    )
    capability = Capability.objects.create(mode="activated", name=f"Förmåga {MARKER}")
    sub = SubCapability.objects.create(capability=capability, name=f"Delförmåga {MARKER}")
    planning_services.minimum_levels_set(year=2026, levels={sub.pk: 3})
    planning_services.self_assessment_save(
        actor=huddinge, year=2026, by=holder, rows={sub.pk: {"level": 2, "comment": MARKER}}
    )
    exercise = planning_services.exercise_save(
        title=f"Övning {MARKER}", starts_on=D(2026, 3, 1), ends_on=D(2026, 3, 1), actors=[huddinge]
    )
    lesson = planning_services.lesson_add(exercise=exercise, text=f"Lärdom {MARKER}", by=holder)
    action = planning_services.lesson_action_add(
        lesson=lesson,
        title=f"Åtgärd {MARKER}",
        owner=huddinge,
        due_on=D(2026, 6, 1),
        capability=capability,
    )
    incident = Incident.objects.create(
        title=f"Skyfall {MARKER}",
        status=Incident.Status.FOLLOWED_UP,
        activated_at=timezone.now(),
        activated_by=holder,
    )
    follow_up = FollowUp.objects.create(incident=incident, evaluation=MARKER, created_by=holder)
    follow_up_action = FollowUpAction.objects.create(
        follow_up=follow_up, title=f"Uppföljning {MARKER}", owner=huddinge
    )
    return {
        "goal_period": period,
        "goal_version": version,
        "goal_area": area,
        "plan": plan,
        "activity": activity,
        "exercise": exercise,
        "lesson": lesson,
        "lesson_action": action,
        "follow_up_action": follow_up_action,
    }
