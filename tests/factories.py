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
            self.groups.add(Group.objects.get(name=settings.SECRETARIAT_GROUP))
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
    municipality_code = factory.Sequence(lambda n: f"{9000 + n:04d}")


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
