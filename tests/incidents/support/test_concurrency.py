"""Two actors accept one request at the same moment, through the real page, each on its own
database connection: one wins, the other is told who did."""

import uuid

import pytest
from django.urls import reverse

from incidents.models import SupportRequest, SupportRequestEvent
from notifications.models import Notification
from tests.concurrency import post_at_once
from tests.incidents.conftest import client_for

from .conftest import raise_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_acceptances_at_once_make_one_winner(
    crisis, holder, huddinge, police, police_user, fire, fire_user
):
    request = raise_request(crisis, holder, actor=huddinge, addressed=[police, fire])
    url = reverse("incidents:support_request_action", args=[request.pk, "answer"])
    answers = post_at_once(
        [client_for(police_user), client_for(fire_user)],
        url,
        lambda: {"answer-answer": "accept", "idempotency_key": uuid.uuid4().hex},
    )
    assert sorted(answers) == [302, 400]
    request.refresh_from_db()
    assert request.status == SupportRequest.Status.ACCEPTED
    accepted = SupportRequestEvent.objects.filter(request=request, action="accepted")
    assert accepted.count() == 1
    assert accepted.get().actor == request.answered_by_actor
    # The asker is told once, of the winner.
    told = Notification.objects.filter(
        kind="support_request_answer", recipient__user=holder, channel="portal"
    )
    assert told.count() == 1
    assert request.answered_by_actor.name in told.get().subject
