"""The invoice run acts once: a repeated submit returns the first result, and two runs at once
(two secretaries, or a double click without the form's key) issue one set of invoices; the
second answered 500 before."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from membership.models import Invoice
from tests.concurrency import post_at_once
from tests.conftest import verified_login

URL = reverse("membership:invoice_run", args=[2026])


@pytest.mark.django_db
def test_a_repeated_run_with_the_same_key_issues_once(run_2026, secretariat):
    assert 'name="idempotency_key"' in secretariat.get(URL).content.decode()
    data = {"confirm": "yes", "idempotency_key": uuid.uuid4().hex}
    first, second = secretariat.post(URL, data), secretariat.post(URL, data)
    assert first.status_code == second.status_code == 302
    assert Invoice.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_issue_one_set_of_invoices(run_2026, secretariat_user):
    clients = [verified_login(Client(), secretariat_user) for _ in range(2)]
    answers = post_at_once(
        clients, URL, lambda: {"confirm": "yes", "idempotency_key": uuid.uuid4().hex}
    )
    assert answers == [302, 302]
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == ["202600001", "202600002"]
