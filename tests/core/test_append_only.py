"""Records that must not change are refused by the database itself: through the ORM (bypassing
the services) and through raw SQL."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from forums import services as forum_services
from incidents import services as incident_services
from incidents.models import LogEntry, SituationPicture, SituationReport
from incidents.picture import services as picture_services
from membership.documents import invoice_documents
from membership.invoicing import invoice_run_issue
from membership.models import Invoice, InvoiceLine
from tests.factories import MeetingFactory
from tests.incidents.conftest import incident, prepared, rsib  # noqa: F401
from tests.membership.conftest import run_2026, seller  # noqa: F401

pytestmark = pytest.mark.django_db


def refused(statement) -> bool:
    try:
        with transaction.atomic():
            statement()
    except DatabaseError:  # the trigger (IntegrityError) or a missing privilege
        return True
    return False


def raw(sql: str, *params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


def test_situation_reports_and_the_log_cannot_change(incident, seat, holder):  # noqa: F811
    report = incident_services.report_submit(
        incident=incident, actor=seat.actor, submitted_by=holder, situation="Läget", impact="normal"
    )
    entry = LogEntry.objects.filter(incident=incident).first()
    assert refused(lambda: SituationReport.objects.filter(pk=report.pk).update(situation="Ändrat"))
    assert refused(lambda: SituationReport.objects.filter(pk=report.pk).delete())
    assert refused(
        raw("UPDATE incidents_situationreport SET impact = 'critical' WHERE id = %s", report.pk)
    )
    assert refused(raw("DELETE FROM incidents_logentry WHERE id = %s", entry.pk))
    assert refused(lambda: LogEntry.objects.filter(pk=entry.pk).update(text="Ändrat"))
    report.refresh_from_db()
    assert report.situation == "Läget"


def test_a_published_picture_only_gets_its_pdf_and_its_announcement_time(incident, rsib):  # noqa: F811
    picture = picture_services.picture_publish(
        incident=incident, audience="full", summary="Sammanfattning", published_by=rsib
    )
    assert not refused(
        lambda: SituationPicture.objects.filter(pk=picture.pk).update(pdf="pictures/x.pdf")
    )
    assert refused(
        lambda: SituationPicture.objects.filter(pk=picture.pk).update(summary="Omskrivet")
    )
    assert refused(raw("DELETE FROM incidents_situationpicture WHERE id = %s", picture.pk))


def test_a_picture_is_announced_once_and_that_time_cannot_change(incident, rsib):  # noqa: F811
    picture = picture_services.picture_publish(
        incident=incident, audience="full", summary="Sammanfattning", published_by=rsib
    )
    pictures = SituationPicture.objects.filter(pk=picture.pk)
    first = datetime.datetime(2026, 12, 3, 12, 0, tzinfo=datetime.UTC)
    assert not refused(lambda: pictures.update(announced_at=first))
    assert refused(lambda: pictures.update(announced_at=first + datetime.timedelta(hours=1)))
    assert refused(lambda: pictures.update(announced_at=None))
    assert refused(
        raw("UPDATE incidents_situationpicture SET announced_at = now() WHERE id = %s", picture.pk)
    )
    assert pictures.get().announced_at == first


def test_issued_invoices_cannot_change(run_2026, seller):  # noqa: F811
    invoice_run_issue(year=2026, issue_date=datetime.date(2026, 11, 30))
    invoice = Invoice.objects.first()
    invoice_documents(invoice.pk)  # attaching the documents is allowed
    assert refused(lambda: Invoice.objects.filter(pk=invoice.pk).update(total=1))
    assert refused(raw("UPDATE membership_invoice SET ocr = '1' WHERE id = %s", invoice.pk))
    assert refused(raw("DELETE FROM membership_invoiceline WHERE invoice_id = %s", invoice.pk))
    assert refused(lambda: InvoiceLine.objects.filter(invoice=invoice).update(amount=1))


def test_approved_minutes_cannot_change_but_drafts_can(forum, secretariat_user):
    meeting = MeetingFactory(
        forum=forum, starts_at=datetime.datetime(2025, 1, 1, 9, tzinfo=datetime.UTC)
    )
    minutes = forum_services.minutes_generate(meeting=meeting)
    forum_services.minutes_update(minutes=minutes, body="Utkast två", sharing_level="forum")
    forum_services.minutes_approve(minutes=minutes, approved_by=secretariat_user)
    assert refused(raw("UPDATE forums_minutes SET body = 'Förfalskat' WHERE id = %s", minutes.pk))
    assert refused(lambda: type(minutes).objects.filter(pk=minutes.pk).delete())
    minutes.refresh_from_db()
    assert minutes.body == "Utkast två"
