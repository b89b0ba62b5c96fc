"""Traceability: every domain model keeps its history; the secretariat reads it per object and
searches the audit trail; a person's data can be exported and anonymised."""

import datetime
import json

import pytest
from django.apps import apps
from django.urls import reverse

from actors.models import Actor, Person
from core.models import AuditEvent
from tests.factories import (
    ActorFactory,
    AssignmentFactory,
    ForumFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Models without their own history, and why.
NO_HISTORY = {
    # The audit trail itself: append-only, a database trigger refuses changes.
    "core.AuditEvent": "is the trail",
    # Materialised copies of "seat holders of the day", re-derived from seats and assignments
    # (which have history); each grant and withdrawal is an audit event.
    "forums.ForumUserObjectPermission": "grants are audit events",
    "incidents.IncidentUserObjectPermission": "grants are audit events",
    # Number sequences: the numbers they hand out are on decisions and invoices (with history).
    "forums.DecisionCounter": "a sequence",
    "membership.InvoiceCounter": "a sequence",
    # The outbox row is its own delivery log (status, attempts, times, last error), updated
    # atomically by the workers and purged after the retention period.
    "notifications.Notification": "is a delivery log",
    # Each request made with an API token: append-only, a database trigger refuses changes.
    "api.ApiRequest": "is a request log",
}
PORTAL_APPS = {"actors", "forums", "incidents", "membership", "notifications", "api"}


def test_every_domain_model_records_its_history():
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label in PORTAL_APPS and not m.__name__.startswith("Historical")
    ]
    assert len(models) > 30
    missing = {m._meta.label for m in models if not hasattr(m, "history")} - set(NO_HISTORY)
    assert missing == set()
    stale = {label for label in NO_HISTORY if hasattr(apps.get_model(label), "history")}
    assert stale == set()


def test_a_change_to_an_actor_appears_in_its_history_with_who_made_it(
    secretariat, secretariat_user
):
    actor = ActorFactory(name="Nacka kommun", kind="municipality")
    data = {
        "name": "Nacka kommun (ny)",
        "short_name": "",
        "kind": "municipality",
        "org_number": "",
        "municipality_code": "0182",
        "membership_type": actor.membership_type,
        "invoice_delivery": actor.invoice_delivery,
    }
    response = secretariat.post(reverse("actors:actor_update", args=[actor.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = actor.history.latest()
    assert latest.history_user == secretariat_user and latest.name == "Nacka kommun (ny)"
    page = secretariat.get(reverse("actors:object_history", args=["actors.actor", actor.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nacka kommun (ny)" in text and "<del>Nacka kommun</del>" in text and "sara" in text


def test_forum_incident_and_invoice_changes_are_in_their_history(forum, world):
    from forums import services as forum_services
    from incidents.models import Incident
    from membership.models import Invoice

    forum_services.forum_update(forum=forum, name="Samordningsgruppen")
    assert forum.history.latest().name == "Samordningsgruppen"
    incident = Incident.objects.get(pk=world["incident"].pk)  # the world has two
    assert incident.history.count() >= 1
    invoice = Invoice.objects.get(actor=world["actor"])
    types = list(invoice.history.order_by("history_date").values_list("history_type", flat=True))
    assert types[0] == "+" and "~" in types  # issued, then its PDF and XML were attached


def test_a_deleted_objects_history_stays_readable(secretariat, forum, seat):
    pk = seat.pk
    secretariat.post(reverse("forums:seat_delete", args=[pk]))
    page = secretariat.get(reverse("actors:object_history", args=["forums.seat", pk]))
    assert page.status_code == 200
    assert "Borttagen" in page.content.decode() or "borttagen" in page.content.decode()


@pytest.mark.parametrize(
    "label", ["actors.nosuchmodel", "core.auditevent", "auth.user", "forums.forum"]
)
def test_history_of_what_does_not_exist_is_404(secretariat, label):
    assert (
        secretariat.get(reverse("actors:object_history", args=[label, 999999])).status_code == 404
    )


def test_history_page_queries_do_not_grow_with_versions(secretariat, django_assert_max_num_queries):
    actor = ActorFactory()
    for n in range(40):
        actor.name = f"Aktör {n}"
        actor.save()
    url = reverse("actors:object_history", args=["actors.actor", actor.pk])
    with django_assert_max_num_queries(14):
        assert secretariat.get(url).status_code == 200


# --- Audit search ---------------------------------------------------------------------------


@pytest.fixture
def trail(member_user, secretariat_user):
    from core import audit

    audit.record(AuditEvent.Kind.LOGIN, user=member_user)
    audit.record(AuditEvent.Kind.EXPORT, user=secretariat_user, detail="/x.csv")
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.LOGIN_FAILED,
        username="maja",
        occurred_at=datetime.datetime(2025, 1, 5, 12, tzinfo=datetime.UTC),
    )


def test_audit_search_by_person_kind_and_date(secretariat, trail):
    url = reverse("actors:audit_search")
    by_person = secretariat.get(url, {"person": "maja"}).context["page"].object_list
    assert {e.kind for e in by_person} == {"login", "login_failed"}
    by_kind = secretariat.get(url, {"kind": "export"}).context["page"].object_list
    assert [e.username for e in by_kind] == ["sara"]
    in_2025 = secretariat.get(url, {"date_from": "2025-01-01", "date_to": "2025-12-31"})
    assert [e.kind for e in in_2025.context["page"].object_list] == ["login_failed"]


def test_audit_search_of_changes_to_one_type(secretariat, secretariat_user):
    forum = ForumFactory(name="Testforum")
    forum.name = "Testforum 2"
    forum.save()
    response = secretariat.get(
        reverse("actors:audit_search"), {"show": "changes", "object_type": "forums.forum"}
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2
    assert reverse("actors:object_history", args=["forums.forum", forum.pk]) in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-02-01", "date_to": "2026-01-01"},
        {"show": "changes"},
        {"date_from": "2026-02-30"},
        {"object_type": "auth.user"},
    ],
)
def test_a_bad_audit_search_says_why(secretariat, query):
    response = secretariat.get(reverse("actors:audit_search"), query)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()


def test_audit_search_queries_do_not_grow_with_events(secretariat, django_assert_max_num_queries):
    from core import audit

    users = [UserFactory() for _ in range(5)]
    for n in range(120):
        audit.record(AuditEvent.Kind.LOGIN, user=users[n % 5], obj=users[n % 5])
    with django_assert_max_num_queries(12):
        assert secretariat.get(reverse("actors:audit_search")).status_code == 200


# --- Personal data --------------------------------------------------------------------------


def test_export_holds_the_persons_data(secretariat, holder, world):
    person = Person.objects.get(user=holder)
    response = secretariat.get(reverse("actors:person_export", args=[person.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person"]["first_name"] == "Hanna"
    assert data["user_account"]["username"] == "hanna"
    assert data["assignments"] and data["assignments"][0]["actor"] == "Huddinge kommun"
    assert [n["subject"] for n in data["notifications"] if "HEMLIG" in n["subject"]]
    assert "shifts" in data and data["record_history"]
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.PERSON_EXPORTED, object_id=str(person.pk)
    ).exists()


def test_a_person_exports_their_own_data_but_not_anothers(member_user, member):
    own = member_user.person
    assert member.get(reverse("actors:person_export", args=[own.pk])).status_code == 200
    other = PersonFactory()
    assert member.get(reverse("actors:person_export", args=[other.pk])).status_code == 403


def test_anonymising_keeps_what_the_functions_did(secretariat, holder, world):
    from incidents.models import SituationReport
    from notifications.models import Notification

    person = Person.objects.get(user=holder)
    person.email = "hanna@huddinge.example"
    person.save()
    url = reverse("actors:person_anonymise", args=[person.pk])
    assert "Anonymisera" in secretariat.get(url).content.decode()
    assert secretariat.post(url).status_code == 302
    person.refresh_from_db()
    holder.refresh_from_db()
    assert person.full_name == f"Anonymiserad person {person.pk}" and person.email == ""
    assert person.anonymised_at is not None
    assert not person.history.filter(first_name="Hanna").exists()
    assert not person.history.filter(email="hanna@huddinge.example").exists()
    assert holder.username == f"anonymiserad-{holder.pk}" and not holder.is_active
    assert not holder.has_usable_password()
    # What the function did stays, under the anonymous name.
    assert person.assignments.exists()
    assert SituationReport.objects.filter(submitted_by=holder).exists()
    assert not Notification.objects.filter(recipient=person).exclude(body="").exists()
    assert not AuditEvent.objects.filter(username="hanna").exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PERSON_ANONYMISED).exists()
    # A second time is refused with a reason.
    again = secretariat.post(url)
    assert again.status_code == 400 and "redan anonymiserats" in again.content.decode()


def test_members_cannot_anonymise(member, holder):
    person = Person.objects.get(user=holder)
    assert member.post(reverse("actors:person_anonymise", args=[person.pk])).status_code == 403
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_actor_model_is_unchanged_by_a_person_leaving(holder):
    person = Person.objects.get(user=holder)
    before = Actor.objects.get(pk=person.actor_id).history.count()
    from actors.services import person_anonymise

    person_anonymise(person=person)
    assert Actor.objects.get(pk=person.actor_id).history.count() == before
    assert AssignmentFactory._meta.model.objects.filter(person=person).exists()
