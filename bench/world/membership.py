"""Membership: agreements, approved fee schedules and population figures, and the invoices,
credit notes and payments of earlier years, issued by the portal's own invoicing."""

import datetime

from actors.models import Actor, PopulationFigure
from membership.invoicing import credit_note_issue, invoice_run_issue
from membership.models import Agreement, FeeSchedule, Invoice, InvoiceLine, Payment

from .base import HISTORY_YEARS, Counts, bulk

CREDIT_NOTES = 100


def add_population(actors: list[Actor], years: list[int], counts: Counts) -> None:
    rows = []
    for index, actor in enumerate(a for a in actors if a.is_municipality):
        for year in years:
            rows.append(
                PopulationFigure(
                    actor=actor,
                    reference_date=datetime.date(year, 12, 31),
                    inhabitants=20_000 + index * 7_919 + (year - 2020) * 311,
                    source="SCB (bänkdata)",
                )
            )
    bulk(PopulationFigure, rows, counts)


def add_membership(actors: list[Actor], years: list[int], counts: Counts) -> None:
    """Agreements for every actor and an approved 2024-model schedule per year."""
    bulk(
        Agreement,
        [
            Agreement(
                actor=actor,
                signed_on=datetime.date(2022, 3, 1),
                signatory_name="Bänk Undertecknare",
                buyer_reference=f"REF-{index:05d}",
            )
            for index, actor in enumerate(actors)
        ],
        counts,
    )
    schedules = bulk(
        FeeSchedule,
        [
            FeeSchedule(
                year=year,
                decision_reference=f"Bänkbeslut {year}",
                approved_on=datetime.date(year - 1, 11, 15),
                approved_by_body="Regional chefsgrupp",
            )
            for year in years
        ],
        counts,
    )
    doubles = [a for a in actors if not a.is_municipality][:3]
    for schedule in schedules:
        schedule.double_fee_actors.set(doubles)
    add_population(actors, [year - 1 for year in years], counts)


def add_invoices(count: int, counts: Counts) -> None:
    """Earlier years' invoices and credit notes, issued by the portal's own services: the invoice
    run of each of ``HISTORY_YEARS`` on 1 December (one invoice per member), then, to make up
    ``count``, credit notes of the first of them (at most ``CREDIT_NOTES``); nine in ten of the
    others are paid.

    Each issue is its own transaction, as in the portal, so this runs after the rest of the
    world is committed. The services queue each document's PDF, XML and e-mail for a worker;
    these invoices are marked as e-mailed on their issue day, so a worker would only render."""
    issued = 0
    for year in HISTORY_YEARS:
        if issued >= count:
            break
        created, _already = invoice_run_issue(year=year, issue_date=datetime.date(year, 12, 1))
        issued += created
        Invoice.objects.filter(run_year=year).update(
            emailed_at=datetime.datetime(year, 12, 1, 9, tzinfo=datetime.UTC)
        )
    invoices = list(Invoice.objects.filter(kind=Invoice.Kind.INVOICE).order_by("year", "number"))
    # Each credit note is its own transaction through the portal's service: at most
    # CREDIT_NOTES of them, so that the seed stays under a minute at scale 10.
    credited = invoices[: min(max(0, count - issued), CREDIT_NOTES)]
    for invoice in credited:
        credit_note_issue(invoice=invoice, reason="Bänkdata: krediteras")
    credited_ids = {invoice.pk for invoice in credited}
    bulk(
        Payment,
        [
            Payment(
                invoice=invoice,
                amount=invoice.total,
                paid_on=invoice.due_date - datetime.timedelta(days=3),
                reference=invoice.ocr,
            )
            for k, invoice in enumerate(invoices)
            if invoice.pk not in credited_ids and k % 10 != 0
        ],
        counts,
    )
    counts.add("invoice", Invoice.objects.count())
    counts.add("invoiceline", InvoiceLine.objects.count())
