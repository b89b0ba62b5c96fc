"""schemathesis over the API's own OpenAPI document: every operation, with generated inputs, with
a valid token (every scope) and with an unknown one. No answer is a server error, and every
answer (status, content type, body) is one the document describes."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import ApiRequest
from incidents import services as incident_services
from incidents.picture import services as picture_services
from tests.api.conftest import make_token

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(db):
    # As Django's test client does: the WSGI handler's request signals must not close the
    # test's database connection (its transaction holds the test data).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def tokens(seat, secretariat_user, incident, settings):
    """A real token of an actor involved in an activated incident, and a forged one."""
    settings.API_RATE_LIMIT_PER_MINUTE = 10_000
    secret = make_token(seat.actor, secretariat_user).secret
    return {"valid": secret, "invalid": secret[:-4] + "xxxx"}


def _fuzz(operation, tokens: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        for name, secret in tokens.items():
            response = case.call_and_validate(
                headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS
            )
            if name == "invalid":
                assert response.status_code == 401, operation.label

    run()


def test_no_operation_breaks_or_leaves_its_schema(api_schema, tokens):
    labels = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)
        _fuzz(operation, tokens)
    assert len(labels) == 9  # every operation of the document was run
    answered = {
        (path.split("?")[0], status)
        for path, status in ApiRequest.objects.values_list("path", "status")
    }
    assert ("/api/v1/actors", 200) in answered
    assert not [row for row in answered if row[1] >= 500]


def test_the_real_objects_answer_as_the_document_says(api_schema, tokens, incident, rsib):
    """Generated ids rarely hit the incident: its picture, PDF, report and direction, once each."""
    picture_services.picture_publish(
        incident=incident, audience="full", summary="Läget", published_by=rsib
    )
    direction = incident_services.direction_issue(incident=incident, text="Prioritera el", by=rsib)
    report = {"impact": "normal", "situation": "Lugnt"}
    cases = [
        ("/incidents/{incident_id}/picture", "GET", {"incident_id": incident.pk}, None, 200),
        ("/incidents/{incident_id}/picture.pdf", "GET", {"incident_id": incident.pk}, None, 200),
        ("/incidents/{incident_id}/directions", "GET", {"incident_id": incident.pk}, None, 200),
        ("/incidents/{incident_id}/reports", "POST", {"incident_id": incident.pk}, report, 201),
        (
            "/directions/{direction_id}/acknowledgement",
            "POST",
            {"direction_id": direction.pk},
            None,
            201,
        ),
        (
            "/directions/{direction_id}/acknowledgement",
            "POST",
            {"direction_id": direction.pk},
            None,
            409,
        ),
    ]
    for path, method, parameters, body, status in cases:
        operation = api_schema["/api/v1" + path][method]
        kwargs = {"path_parameters": parameters}
        if body is not None:
            kwargs.update(body=body, media_type="application/json")
        case = api_schema.make_case(operation=operation, **kwargs)
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {tokens['valid']}"}, checks=CHECKS
        )
        assert response.status_code == status, (path, response.content[:300])
