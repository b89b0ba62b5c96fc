"""Create demo logins for ``make run``: one secretariat user and a few forum members.

Why: a newcomer should be able to log in and look around at once. The passwords are fixed and
printed, so the command refuses to run when DEBUG is off unless ``--force`` is given.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from actors.models import Actor, ActorFunction, Assignment, Function, MunicipalCluster, Person
from forums.models import ClusterRepresentation, Forum, Meeting
from forums.services import forum_access_sync
from incidents.models import EventType, OnCallRole, PreparedDirection, Shift
from membership.models import Agreement, FeeSchedule
from planning.access import planning_settings
from planning.models import OperationalPlan
from planning.services import activity_save, goals_for_year, plan_create

DEMO_NOTE = "Demo – ej verklig klusterindelning"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    first_name: str
    last_name: str
    title: str
    actor: str
    function: str | None
    role: str = Assignment.Role.HOLDER
    secretariat: bool = False


DEMO_USERS = [
    DemoUser(
        "sekretariat",
        "ssr-demo-sekretariat",
        "Karin",
        "Lindqvist",
        "Funktionskoordinator, samordningskansliet",
        "Länsstyrelsen i Stockholms län",
        None,
        secretariat=True,
    ),
    DemoUser(
        "erik.huddinge",
        "ssr-demo-medlem-1",
        "Erik",
        "Holm",
        "Säkerhetschef",
        "Huddinge kommun",
        "Säkerhetschef",
    ),
    DemoUser(
        "lena.huddinge",
        "ssr-demo-medlem-2",
        "Lena",
        "Ek",
        "Beredskapssamordnare",
        "Huddinge kommun",
        "Säkerhetschef",
        role=Assignment.Role.DEPUTY,
    ),
    DemoUser(
        "anders.polisen",
        "ssr-demo-medlem-4",
        "Anders",
        "Lund",
        "Säkerhetschef",
        "Polismyndigheten Region Stockholm",
        "Säkerhetschef",
    ),
    DemoUser(
        "sofia.region",
        "ssr-demo-medlem-5",
        "Sofia",
        "Nyberg",
        "Regiondirektör",
        "Region Stockholm",
        "Högsta tjänsteperson",
    ),
    DemoUser(
        "maria.polisen",
        "ssr-demo-medlem-3",
        "Maria",
        "Berg",
        "Kommunikationschef",
        "Polismyndigheten Region Stockholm",
        "Kommunikationschef",
    ),
]


class Command(BaseCommand):
    help = "Create demo users (secretariat and members) with fixed passwords, and print them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (never in production)."
        )

    @transaction.atomic
    def handle(self, *args, force: bool = False, verbosity: int = 1, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo users have known passwords; refusing to create them with DEBUG off."
            )
        user_model = get_user_model()
        secretariat, _ = Group.objects.get_or_create(name=settings.SECRETARIAT_GROUP)
        today = timezone.localdate()
        lines = []
        for demo in DEMO_USERS:
            try:
                actor = Actor.objects.get(name=demo.actor)
            except Actor.DoesNotExist as exc:
                raise CommandError(
                    f"{demo.actor} is missing: run `manage.py load_ssr_defaults` first."
                ) from exc
            user, _ = user_model.objects.get_or_create(
                username=demo.username,
                defaults={"first_name": demo.first_name, "last_name": demo.last_name},
            )
            user.set_password(demo.password)
            user.save()
            if demo.secretariat:
                user.groups.add(secretariat)
            person, _ = Person.objects.get_or_create(
                user=user,
                defaults={
                    "first_name": demo.first_name,
                    "last_name": demo.last_name,
                    "title": demo.title,
                    "actor": actor,
                    "email": f"{demo.username}@example.org",
                },
            )
            if demo.function:
                function, _ = Function.objects.get_or_create(name=demo.function)
                actor_function, _ = ActorFunction.objects.get_or_create(
                    actor=actor, function=function
                )
                if not Assignment.objects.filter(
                    person=person, actor_function=actor_function
                ).exists():
                    Assignment.objects.create(
                        person=person,
                        actor_function=actor_function,
                        role=demo.role,
                        starts_on=today.replace(month=1, day=1),
                    )
            role = "sekretariat" if demo.secretariat else "medlem"
            lines.append(f"  {demo.username:<16} {demo.password:<22} {role}, {actor.display_name}")
        self._demo_cluster(today)
        self._demo_meeting(secretariat_user=user_model.objects.get(username="sekretariat"))
        self._demo_roster()
        self._demo_prepared_direction()
        self._demo_membership()
        self._demo_alert_addresses()
        self._demo_planning(today)
        forum_access_sync()
        if verbosity:
            self.stdout.write("Demo logins (only for local use):")
            self.stdout.write("\n".join(lines))

    def _demo_cluster(self, today):
        """Place Huddinge in cluster Syd as its representative, marked as demo data."""
        cluster = MunicipalCluster.objects.filter(name="Syd").first()
        huddinge = Actor.objects.filter(municipality_code="0126").first()
        if (
            not cluster
            or not huddinge
            or ClusterRepresentation.objects.filter(cluster=cluster).exists()
        ):
            return
        if huddinge.cluster_id is None:
            huddinge.cluster = cluster
            huddinge.save(update_fields=["cluster"])
        ClusterRepresentation.objects.create(
            cluster=cluster,
            municipality=huddinge,
            starts_on=today.replace(month=1, day=1),
            note=DEMO_NOTE,
        )

    def _demo_meeting(self, *, secretariat_user):
        forum = Forum.objects.filter(name="Regional samordningsgrupp").first()
        if not forum or forum.meetings.exists():
            return
        start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
        start += datetime.timedelta(days=7)
        meeting = Meeting.objects.create(
            forum=forum,
            title="Regional samordningsgrupp (demo)",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            location="Länsstyrelsen, Hantverkargatan 29, Stockholm",
            created_by=secretariat_user,
        )
        for position, title in enumerate(
            ["Mötets öppnande", "Lägesbild från aktörerna", "Övningsplanering", "Övriga frågor"],
            start=1,
        ):
            meeting.agenda_items.create(position=position, title=title)

    def _demo_roster(self):
        """A week of RSIB and RKK shifts from 08:00 today, so the demo has someone on duty."""
        if Shift.objects.exists():
            return
        start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
        if timezone.localtime().hour < 8:
            start -= datetime.timedelta(days=1)
        for role, username in (
            (OnCallRole.RSIB, "anders.polisen"),
            (OnCallRole.RKK, "maria.polisen"),
        ):
            person = Person.objects.get(user__username=username)
            for day in range(7):
                begins = start + datetime.timedelta(days=day)
                Shift.objects.create(
                    role=role,
                    person=person,
                    lending_actor=person.actor,
                    starts_at=begins,
                    ends_at=begins + datetime.timedelta(days=1),
                )

    def _demo_prepared_direction(self):
        if PreparedDirection.objects.exists():
            return
        storm, _ = EventType.objects.get_or_create(name="Storm (demo)")
        PreparedDirection.objects.create(
            event_type=storm,
            title="Regional inriktning vid storm (demo)",
            action_plan="1. Samla samordnande forum inom en timme.\n"
            "2. Prioritera elförsörjning till vård, omsorg och vattenförsörjning.\n"
            "3. Samordna information till allmänheten.",
            checklist="Kontakta elnätsbolagen\nLägesbild varannan timme\nStäm av reservkraft",
            message_templates="Stormen påverkar Stockholms län. Följ myndigheternas råd.",
            owner=Actor.objects.filter(kind=Actor.Kind.COUNTY_ADMINISTRATIVE_BOARD).first(),
            review_due=timezone.localdate() + datetime.timedelta(days=180),
        )

    def _demo_membership(self):
        """Agreements, invoice addresses and population figures for the municipalities the cited
        file lacks, all marked as demo, and an unapproved 2025 fee schedule to try the run on."""
        from decimal import Decimal

        from actors.models import PopulationFigure

        # An e-invoice needs the buyer's reference (Peppol BuyerReference): a demo one for every
        # actor with an organisation number (none is invented for the others: the preview says
        # what is missing).
        for actor in Actor.objects.exclude(org_number="").filter(invoice_reference=""):
            actor.invoice_reference = f"SSR-{actor.short_name or actor.pk}"[:100]
            actor.save(update_fields=["invoice_reference"])
        if Agreement.objects.exists():
            return
        reference = datetime.date(2024, 12, 31)
        for actor in Actor.objects.all():
            Agreement.objects.create(
                actor=actor,
                signed_on=datetime.date(2024, 9, 1),
                signatory_name="Demo",
                notes="Demo – ej verklig överenskommelse",
            )
            if not actor.invoice_address:
                actor.invoice_address = f"Demo: {actor.name}\nBox 100\n100 00 Stockholm"
                actor.invoice_email = f"faktura@{actor.pk}.example.org"
                actor.save(update_fields=["invoice_address", "invoice_email"])
            if (
                actor.is_municipality
                and not actor.population_figures.filter(reference_date=reference).exists()
            ):
                PopulationFigure.objects.create(
                    actor=actor,
                    reference_date=reference,
                    inhabitants=40000,
                    source="demo – ej SCB",
                    kind=PopulationFigure.Kind.DEMO,
                )
        schedule, created = FeeSchedule.objects.get_or_create(
            year=2025, defaults={"rate_per_inhabitant": Decimal("1.50")}
        )
        if created:
            schedule.double_fee_actors.set(
                Actor.objects.filter(
                    name__in=["Trafikverket", "Region Stockholm", "Länsstyrelsen i Stockholms län"]
                )
            )

    def _demo_alert_addresses(self):
        """A 24/7 alert address for every actor that has none: its duty officer (TiB) or, for the
        municipalities, a functional mailbox; example.org addresses and unused numbers."""
        from django.utils.text import slugify

        actors = Actor.objects.filter(alert_email="", alert_phone="").order_by("pk")
        for actor in actors:
            slug = slugify(actor.short_name or actor.name)[:40] or str(actor.pk)
            label = "Funktionsbrevlåda" if actor.is_municipality else "TiB"
            actor.alert_label = f"{label} (demo)"
            actor.alert_email = f"beredskap@{slug}.example.org"
            actor.alert_phone = f"+46 70 000 {actor.pk // 100:02d} {actor.pk % 100:02d}"
            actor.save(update_fields=["alert_label", "alert_email", "alert_phone"])

    def _demo_planning(self, today):
        """Erik and Anders as their actors' designated contacts, and a draft operational plan for
        the current year (marked demo) with an activity each actor owns."""
        function = planning_settings().contact_function
        if function is None:
            return
        for username in ("erik.huddinge", "anders.polisen"):
            person = Person.objects.get(user__username=username)
            actor_function, _ = ActorFunction.objects.get_or_create(
                actor=person.actor, function=function
            )
            Assignment.objects.get_or_create(
                person=person,
                actor_function=actor_function,
                defaults={"starts_on": today.replace(month=1, day=1)},
            )
        goals = goals_for_year(today.year)
        if goals is None or OperationalPlan.objects.filter(year=today.year).exists():
            return
        plan = plan_create(year=today.year, summary="Demo – ej verklig verksamhetsplan")
        areas = list(goals.areas.order_by("position"))
        for owner_name, area, title in (
            ("Huddinge kommun", areas[1], "Demo: utbildning i säkerhetsskydd"),
            (
                "Polismyndigheten Region Stockholm",
                areas[2],
                "Demo: mall för kortversion av lägesbild",
            ),
        ):
            activity_save(
                plan=plan,
                goal_area=area,
                title=title,
                owner=Actor.objects.get(name=owner_name),
                starts_on=today.replace(month=1, day=1),
                ends_on=today.replace(month=12, day=31),
                follow_up_plan="Demo: rapport varje kvartal.",
            )
