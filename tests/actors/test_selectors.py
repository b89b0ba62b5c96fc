import datetime

import pytest

from actors import selectors
from actors.models import Assignment
from tests.factories import (
    ActorFactory,
    ActorFunctionFactory,
    AssignmentFactory,
    ClusterFactory,
    FunctionFactory,
    MunicipalityFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 6, 15)


@pytest.fixture
def security_chief():
    return ActorFunctionFactory(function=FunctionFactory(name="Säkerhetschef"))


def test_function_holders_returns_who_holds_the_function_on_the_day(security_chief):
    current = AssignmentFactory(actor_function=security_chief, starts_on=datetime.date(2025, 1, 1))
    AssignmentFactory(
        actor_function=security_chief,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2024, 12, 31),
    )
    AssignmentFactory(actor_function=security_chief, starts_on=datetime.date(2025, 7, 1))
    deputy = AssignmentFactory(
        actor_function=security_chief,
        role=Assignment.Role.DEPUTY,
        starts_on=datetime.date(2025, 1, 1),
    )

    holders = selectors.function_holders(
        actor=security_chief.actor, function=security_chief.function, on=DAY
    )

    assert holders == [current, deputy]  # holders before deputies


def test_function_holders_includes_the_last_day_of_an_assignment(security_chief):
    ending = AssignmentFactory(actor_function=security_chief, ends_on=DAY)
    assert selectors.function_holders(
        actor=security_chief.actor, function=security_chief.function, on=DAY
    ) == [ending]
    assert (
        selectors.function_holders(
            actor=security_chief.actor,
            function=security_chief.function,
            on=DAY + datetime.timedelta(days=1),
        )
        == []
    )


def test_function_holders_is_per_actor(security_chief):
    AssignmentFactory(actor_function=security_chief)
    other = ActorFunctionFactory(function=security_chief.function)
    assert selectors.function_holders(actor=other.actor, function=other.function, on=DAY) == []


def test_function_holders_filters_on_role(security_chief):
    AssignmentFactory(actor_function=security_chief)
    deputy = AssignmentFactory(actor_function=security_chief, role=Assignment.Role.DEPUTY)
    assert selectors.function_holders(
        actor=security_chief.actor, function=security_chief.function, on=DAY, role="deputy"
    ) == [deputy]


def test_holders_by_actor_function_groups_in_one_query(django_assert_num_queries):
    functions = [ActorFunctionFactory() for _ in range(5)]
    for actor_function in functions:
        AssignmentFactory.create_batch(2, actor_function=actor_function)
    with django_assert_num_queries(1):
        grouped = selectors.holders_by_actor_function(
            actor_function_ids=[f.pk for f in functions], on=DAY
        )
        names = [a.person.full_name for group in grouped.values() for a in group]
    assert len(names) == 10
    assert set(grouped) == {f.pk for f in functions}


def test_actor_directory_filters_by_text_kind_and_cluster():
    north = ClusterFactory(name="Norr")
    taby = MunicipalityFactory(name="Täby kommun", cluster=north, municipality_code="0160")
    MunicipalityFactory(name="Nacka kommun", municipality_code="0182")
    police = ActorFactory(
        name="Polismyndigheten Region Stockholm", kind="police", org_number="202100-0076"
    )

    assert list(selectors.actor_directory(q="täby")) == [taby]
    assert list(selectors.actor_directory(q="0160")) == [taby]
    assert list(selectors.actor_directory(q="202100")) == [police]
    assert list(selectors.actor_directory(kind="police")) == [police]
    assert list(selectors.actor_directory(cluster_id=north.pk)) == [taby]


def test_population_figure_on_needs_the_exact_reference_date():
    municipality = MunicipalityFactory()
    municipality.population_figures.create(
        reference_date=datetime.date(2024, 12, 31), inhabitants=100
    )
    assert (
        selectors.population_figure_on(
            actor=municipality, reference_date=datetime.date(2025, 12, 31)
        )
        is None
    )
    assert (
        selectors.population_figure_on(
            actor=municipality, reference_date=datetime.date(2024, 12, 31)
        ).inhabitants
        == 100
    )
