import datetime

import pytest
from django.core.exceptions import ValidationError

from actors import services
from actors.models import Actor, Assignment
from tests.factories import (
    ActorFactory,
    ActorFunctionFactory,
    AssignmentFactory,
    ClusterFactory,
    MunicipalityFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def test_actor_create_normalises_the_organisation_number():
    actor = services.actor_create(
        name="Nacka kommun", kind="municipality", municipality_code="0182", org_number="2120000142"
    )
    assert actor.org_number == "212000-0142"


def test_actor_create_rejects_a_malformed_organisation_number():
    with pytest.raises(ValidationError) as excinfo:
        services.actor_create(name="Felaktig", kind="other", org_number="212000-0143")
    assert "organisationsnummer" in " ".join(excinfo.value.messages)
    assert not Actor.objects.filter(name="Felaktig").exists()


def test_only_municipalities_have_a_cluster_or_code():
    cluster = ClusterFactory(name="Norr")
    with pytest.raises(ValidationError):
        services.actor_create(name="Polisen", kind="police", cluster=cluster)
    with pytest.raises(ValidationError):
        services.actor_create(name="Polisen", kind="police", municipality_code="0180")
    assert not Actor.objects.filter(name="Polisen").exists()


def test_actor_update_records_history():
    actor = ActorFactory(name="SOS Alarm")
    services.actor_update(actor=actor, phone="+46 8 123 456 78")
    assert actor.history.count() == 2
    assert actor.history.first().phone == "+46 8 123 456 78"


def test_municipality_codes_are_unique():
    MunicipalityFactory(municipality_code="0126")
    with pytest.raises(ValidationError):
        services.actor_create(name="Andra", kind="municipality", municipality_code="0126")


def test_an_actor_cannot_have_the_same_function_twice():
    actor_function = ActorFunctionFactory()
    with pytest.raises(ValidationError):
        services.actor_function_add(actor=actor_function.actor, function=actor_function.function)


def test_a_function_with_assignments_cannot_be_removed():
    assignment = AssignmentFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.actor_function_remove(actor_function=assignment.actor_function)
    assert "har uppdrag" in " ".join(excinfo.value.messages)
    assert assignment.actor_function.__class__.objects.filter(
        pk=assignment.actor_function_id
    ).exists()


def test_a_function_without_assignments_is_removed():
    actor_function = ActorFunctionFactory()
    services.actor_function_remove(actor_function=actor_function)
    assert not actor_function.__class__.objects.filter(pk=actor_function.pk).exists()


def test_assignment_cannot_end_before_it_starts():
    actor_function = ActorFunctionFactory()
    person = PersonFactory()
    with pytest.raises(ValidationError):
        services.assignment_create(
            actor_function=actor_function,
            person=person,
            starts_on=datetime.date(2025, 5, 1),
            ends_on=datetime.date(2025, 4, 30),
        )
    assert not Assignment.objects.exists()


def test_overlapping_assignment_of_the_same_person_is_refused():
    existing = AssignmentFactory(starts_on=datetime.date(2025, 1, 1), ends_on=None)
    with pytest.raises(ValidationError):
        services.assignment_create(
            actor_function=existing.actor_function,
            person=existing.person,
            starts_on=datetime.date(2025, 6, 1),
        )
    assert Assignment.objects.count() == 1


def test_a_new_period_after_the_old_one_ended_is_allowed():
    existing = AssignmentFactory(
        starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2024, 12, 31)
    )
    again = services.assignment_create(
        actor_function=existing.actor_function,
        person=existing.person,
        starts_on=datetime.date(2025, 1, 1),
    )
    assert again.pk != existing.pk


def test_holder_and_deputy_may_be_the_same_period():
    existing = AssignmentFactory(role=Assignment.Role.HOLDER)
    deputy = services.assignment_create(
        actor_function=existing.actor_function,
        person=PersonFactory(),
        role=Assignment.Role.DEPUTY,
        starts_on=existing.starts_on,
    )
    assert deputy.role == Assignment.Role.DEPUTY


def test_assignment_end_keeps_the_record_and_refuses_a_day_before_the_start():
    assignment = AssignmentFactory(starts_on=datetime.date(2025, 3, 1))
    with pytest.raises(ValidationError):
        services.assignment_end(assignment=assignment, ends_on=datetime.date(2025, 2, 28))
    services.assignment_end(assignment=assignment, ends_on=datetime.date(2025, 3, 31))
    assignment.refresh_from_db()
    assert assignment.ends_on == datetime.date(2025, 3, 31)
    assert assignment.history.count() == 2
