"""Create demo logins for ``make run``: one secretariat user and a few forum members.

Why: a newcomer should be able to log in and look around at once. The passwords are fixed and
printed, so the command refuses to run when DEBUG is off unless ``--force`` is given.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from actors.models import Actor, ActorFunction, Assignment, Function, Person


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
        if verbosity:
            self.stdout.write("Demo logins (only for local use):")
            self.stdout.write("\n".join(lines))
