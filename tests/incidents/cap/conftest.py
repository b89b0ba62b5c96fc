"""A published joint message to the public, with municipalities affected, for the CAP tests
(the people are those of tests/incidents/conftest.py)."""

import pytest

from incidents import services
from tests.factories import MunicipalityFactory


def published(incident, *, senders, rkk, cosigner, text="Undvik resor i länet."):
    """A joint message drafted, co-signed (the coordinator signs for every sender), approved
    and published, as the RKK does it."""
    message = services.message_draft(
        incident=incident,
        target_group="Allmänheten",
        channel="Webb",
        text=text,
        senders=senders,
        by=rkk,
    )
    for actor in senders:
        services.message_cosign(message=message, actor=actor, by=cosigner)
    services.message_approve(message=message, by=rkk)
    return services.message_publish(message=message, by=rkk)


@pytest.fixture
def municipalities(db):
    return [
        MunicipalityFactory(name="Nacka kommun", municipality_code="0182"),
        MunicipalityFactory(name="Botkyrka kommun", municipality_code="0127"),
    ]


@pytest.fixture
def message(incident, seat, rkk, rsib, municipalities):
    incident.affected_municipalities.set(municipalities)
    return published(incident, senders=[seat.actor], rkk=rkk, cosigner=rsib)
