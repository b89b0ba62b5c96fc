import datetime

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from actors.models import (
    Actor,
    ActorFunction,
    Assignment,
    Function,
    MunicipalCluster,
    Person,
    PopulationFigure,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Användare {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def secretariat(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: transactional tests flush the row the migration made.
            self.groups.add(Group.objects.get_or_create(name=settings.SECRETARIAT_GROUP)[0])
        if create:
            self.save()


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MunicipalCluster
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Kluster {n}")


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Myndighet {n}")
    short_name = factory.Sequence(lambda n: f"M{n}")
    kind = Actor.Kind.OTHER


class MunicipalityFactory(ActorFactory):
    name = factory.Sequence(lambda n: f"Testkommun {n}")
    kind = Actor.Kind.MUNICIPALITY
    # 5000–9999: clear of the real codes (01xx) and of codes tests set by hand.
    municipality_code = factory.Sequence(lambda n: f"{5000 + n % 5000:04d}")


class FunctionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Function
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Funktion {n}")


class ActorFunctionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorFunction

    actor = factory.SubFactory(ActorFactory)
    function = factory.SubFactory(FunctionFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = factory.Sequence(lambda n: f"Efternamn{n}")
    title = "Handläggare"
    actor = factory.SubFactory(ActorFactory)
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    actor_function = factory.SubFactory(ActorFunctionFactory)
    person = factory.SubFactory(PersonFactory)
    role = Assignment.Role.HOLDER
    starts_on = datetime.date(2024, 1, 1)


class PopulationFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PopulationFigure

    actor = factory.SubFactory(MunicipalityFactory)
    reference_date = datetime.date(2024, 12, 31)
    inhabitants = 50000


# --- forums ---------------------------------------------------------------------------------

from forums.models import CollaborationLevel, Forum, Meeting, Seat  # noqa: E402


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollaborationLevel
        django_get_or_create = ["name"]

    name = "Regionalt samordnande"
    position = 2


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forum

    name = factory.Sequence(lambda n: f"Forum {n}")
    level = factory.SubFactory(LevelFactory)
    convening_actor = factory.SubFactory(ActorFactory, kind=Actor.Kind.COUNTY_ADMINISTRATIVE_BOARD)
    activated_name = factory.Sequence(lambda n: f"Aktiverat forum {n}")


class SeatFactory(factory.django.DjangoModelFactory):
    """A seat for an actor's function (the ActorFunction is made to match)."""

    class Meta:
        model = Seat
        skip_postgeneration_save = True

    forum = factory.SubFactory(ForumFactory)
    actor = factory.SubFactory(ActorFactory)
    function = factory.SubFactory(FunctionFactory)

    @factory.post_generation
    def ensure_function(self, create, extracted, **kwargs):
        if create and self.actor_id:
            ActorFunction.objects.get_or_create(actor=self.actor, function=self.function)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    forum = factory.SubFactory(ForumFactory)
    starts_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    location = "Länsstyrelsen"
