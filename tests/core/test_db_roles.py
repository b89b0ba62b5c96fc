"""The portal's own database role cannot tamper with what must not change (issue 14, point 5).

The suite runs as the application role (tests/conftest.py), so ``connection`` here is exactly
what the web and worker processes have. Each statement an attacker with that role would try is
refused by PostgreSQL, whatever the trigger says; the owner still can (it is not the portal).
"""

import datetime
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import audit
from core.append_only import protected_models
from core.models import AuditEvent
from incidents import services as incident_services
from incidents.models import SituationPicture
from incidents.picture import services as picture_services
from membership.documents import invoice_documents
from membership.invoicing import invoice_run_issue
from membership.models import Invoice
from tests.incidents.conftest import incident, prepared, rsib  # noqa: F401
from tests.membership.conftest import run_2026, seller  # noqa: F401

pytestmark = pytest.mark.django_db


def refused(sql: str, *params) -> str:
    """Run ``sql`` as the application role; return PostgreSQL's refusal (fail if it ran)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        return str(exc)
    pytest.fail(f"the application role could run: {sql}")


def test_the_tests_run_as_the_application_role_which_owns_nothing():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == settings.DATABASE_APP_ROLE
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (False, False, False)


def test_the_audit_trail_cannot_be_re_attributed_deleted_or_truncated(
    member_user, secretariat_user
):
    event = audit.record(audit.Kind.LOGIN, user=member_user)
    assert "permission denied" in refused(
        "UPDATE actors_auditevent SET username = 'someone' WHERE id = %s", event.pk
    )
    assert "append-only" in refused(
        "UPDATE actors_auditevent SET user_id = %s WHERE id = %s", secretariat_user.pk, event.pk
    )
    assert "permission denied" in refused("DELETE FROM actors_auditevent WHERE id = %s", event.pk)
    assert "permission denied" in refused("TRUNCATE actors_auditevent")
    # The purge function deletes nothing younger than 30 days, whatever it is asked.
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssr_audit_purge(0)")
        assert cursor.fetchone()[0] == 0
    event.refresh_from_db()
    assert event.user == member_user and event.username == member_user.username


def test_the_scrub_function_renames_only_to_the_anonymous_name(member_user):
    from django.contrib.contenttypes.models import ContentType

    from actors.models import Person

    event = audit.record(audit.Kind.LOGIN, user=member_user)
    person_type = ContentType.objects.get_for_model(Person)
    with connection.cursor() as cursor:  # the login is active and not renamed: nothing changes
        cursor.execute("SELECT ssr_audit_scrub(%s, %s, %s)", [member_user.pk, person_type.pk, "0"])
    event.refresh_from_db()
    assert event.username == member_user.username


def test_reports_and_pictures_cannot_be_truncated_or_rewritten(incident, seat, holder, rsib):  # noqa: F811
    report = incident_services.report_submit(
        incident=incident, actor=seat.actor, submitted_by=holder, situation="Läget", impact="normal"
    )
    picture = picture_services.picture_publish(
        incident=incident, audience="full", summary="Sammanfattning", published_by=rsib
    )
    for table in ("incidents_situationreport", "incidents_logentry", "incidents_situationpicture"):
        assert "permission denied" in refused(f"TRUNCATE {table} CASCADE")
    assert "permission denied" in refused(
        "UPDATE incidents_situationreport SET situation = 'x' WHERE id = %s", report.pk
    )
    assert "permission denied" in refused(
        "DELETE FROM incidents_situationreport WHERE id = %s", report.pk
    )
    # The PDF is attached once; then it cannot be swapped for another file.
    SituationPicture.objects.filter(pk=picture.pk).update(pdf="pictures/real.pdf")
    assert "append-only" in refused(
        "UPDATE incidents_situationpicture SET pdf = 'pictures/forged.pdf' WHERE id = %s",
        picture.pk,
    )


def test_an_issued_invoice_cannot_be_edited_nor_its_documents_swapped(run_2026, seller):  # noqa: F811
    invoice_run_issue(year=2026, issue_date=datetime.date(2026, 11, 30))
    invoice = Invoice.objects.first()
    invoice_documents(invoice.pk)
    invoice.refresh_from_db()
    assert invoice.pdf and invoice.xml
    assert "permission denied" in refused(
        "UPDATE membership_invoice SET total = 1 WHERE id = %s", invoice.pk
    )
    assert "append-only" in refused(
        "UPDATE membership_invoice SET pdf = 'invoices/forged.pdf' WHERE id = %s", invoice.pk
    )
    assert "append-only" in refused(
        "UPDATE membership_invoice SET xml = '' WHERE id = %s", invoice.pk
    )
    assert "permission denied" in refused(
        "DELETE FROM membership_invoiceline WHERE invoice_id = %s", invoice.pk
    )
    assert "permission denied" in refused("TRUNCATE membership_invoice CASCADE")


def test_no_trigger_can_be_disabled_or_dropped_and_no_table_altered():
    for model in protected_models(apps.get_models()):
        table = model._meta.db_table
        assert "must be owner" in refused(f'ALTER TABLE "{table}" DISABLE TRIGGER ALL')
        assert "must be owner" in refused(f'DROP TRIGGER "{table}_append_only_update" ON "{table}"')
        assert "must be owner" in refused(f'ALTER TABLE "{table}" ADD COLUMN forged text')
    assert "permission denied" in refused(
        "CREATE FUNCTION forged() RETURNS int AS 'SELECT 1' LANGUAGE sql"
    )
    replaced = refused(
        "CREATE OR REPLACE FUNCTION ssr_refuse_change() RETURNS trigger AS "
        "$$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql"
    )
    assert "must be owner" in replaced or "permission denied" in replaced
    assert "permission denied" in refused(
        "UPDATE django_migrations SET name = 'x' WHERE id = (SELECT min(id) FROM django_migrations)"
    )


def test_the_application_role_still_does_its_work(member_user):
    """The privileges are not so tight that the portal cannot run: it inserts audit events,
    clears a foreign key, and the purge deletes what is old enough (as the owner's function)."""
    event = audit.record(audit.Kind.LOGIN, user=member_user)
    AuditEvent.objects.filter(pk=event.pk).update(subject_user=None)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_purge_deletes_old_events_only(owner_cursor, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old = AuditEvent.objects.create(
        kind=AuditEvent.Kind.LOGIN, occurred_at=timezone.now() - datetime.timedelta(days=31)
    )
    recent = AuditEvent.objects.create(
        kind=AuditEvent.Kind.LOGIN, occurred_at=timezone.now() - datetime.timedelta(days=29)
    )
    assert audit.purge_old() == 1
    assert list(AuditEvent.objects.filter(pk__in=[old.pk, recent.pk])) == [recent]


def test_every_trigger_protects_the_whole_row_less_what_the_model_declares(owner_cursor):
    """Each protected model's update trigger leaves out exactly the columns its declaration
    names, so a column added to the model later is protected without a new trigger."""
    models = protected_models(apps.get_models())
    assert len(models) >= 9
    for model in models:
        table = model._meta.db_table
        owner_cursor.execute(
            "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relname = %s AND t.tgname = %s",
            [table, f"{table}_append_only_update"],
        )
        row = owner_cursor.fetchone()
        assert row is not None, f"{table} has no append-only trigger"
        excluded = re.search(r"to_jsonb\(old\.\*\) - ARRAY\[(.*?)\]", row[0]).group(1)
        assert re.findall(r"'(\w+)'", excluded) == model.append_only.excluded_columns(model), table
        # ...and the trigger is on: not disabled by anyone.
        owner_cursor.execute(
            "SELECT t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = %s AND t.tgname = %s",
            [table, f"{table}_append_only_update"],
        )
        assert owner_cursor.fetchone()[0] == "O"
