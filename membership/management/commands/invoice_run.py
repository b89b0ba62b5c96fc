"""Preview or issue the annual invoice run.

Why: the secretariat checks the run (and fixes what it warns about) before anything is issued.
``--preview`` prints every actor to invoice with the basis and amount; warnings (no population
figure for the reference date, no invoice address, no approved schedule, seller details missing)
go to standard error. ``--issue`` refuses while there are warnings, and is safe to repeat: it
creates only the invoices that are missing and finishes their PDF, XML and e-mail, and makes again
any document file of the year gone from storage (it fails, naming them, if it cannot).
"""

import logging
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.csv_export import safe_writer
from membership.documents import DOCUMENT_FIELDS, document_missing, invoice_documents
from membership.fees import ORE, sek
from membership.invoicing import invoice_run_issue, issue_check

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Preview the invoice run for a budget year."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--preview", action="store_true", help="Show the run.")
        action.add_argument("--issue", action="store_true", help="Issue the invoices.")
        parser.add_argument("--format", choices=["table", "csv"], default="table")

    def handle(self, *args, year: int, format: str = "table", verbosity: int = 1, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"{year} is not a budget year.")
        if options["issue"]:
            return self._issue(year, verbosity)
        preview = issue_check(year)
        if format == "csv":
            writer = safe_writer(self.stdout, lineterminator="\n")
            writer.writerow(["actor", "org_number", "basis", "amount_sek"])
            for row in preview.rows:
                # Amounts as numbers, not text, so the writer never takes one for a formula.
                amount = row.amount.quantize(ORE) if row.amount is not None else ""
                writer.writerow([row.actor.name, row.actor.org_number, row.basis, amount])
            writer.writerow(["TOTAL", "", "", preview.total.quantize(ORE)])
        else:
            width = max((len(row.actor.name) for row in preview.rows), default=10)
            for row in preview.rows:
                amount = sek(row.amount) if row.amount is not None else "–"
                self.stdout.write(f"{row.actor.name:<{width}}  {amount:>18}  {row.basis}")
            self.stdout.write(f"{'Totalt':<{width}}  {sek(preview.total):>18}")
        for warning in preview.all_warnings:
            self.stderr.write(f"VARNING: {warning}")
        if preview.all_warnings and verbosity:
            print(
                f"{len(preview.all_warnings)} warning(s): fix them before the run is issued.",
                file=sys.stderr,
            )

    def _issue(self, year: int, verbosity: int) -> None:
        try:
            created, existing = invoice_run_issue(year=year)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(f"VARNING: {message}")
            raise CommandError("The run has warnings; nothing was issued.") from exc
        # Make what is missing now, in this process (the workers may not be running): the
        # documents never made and the files gone from storage, of every invoice and credit
        # note of the year (an internal settlement has none). Each is made once; nothing is
        # sent twice.
        from membership.models import Invoice

        remade, failed = 0, []
        for invoice in (
            Invoice.objects.filter(year=year).exclude(kind=Invoice.Kind.INTERNAL).order_by("number")
        ):
            missing = sum(document_missing(invoice, name) for name in DOCUMENT_FIELDS)
            try:
                invoice_documents(invoice.pk)
            except Exception:
                logger.exception("Could not make the documents of invoice %s.", invoice.number)
                failed.append(invoice.number)
            else:
                remade += missing
        if verbosity:
            self.stdout.write(
                f"Issued {created} invoice(s) for {year}; {existing} were already issued."
            )
            if remade:
                self.stdout.write(f"Made {remade} missing document file(s).")
        if failed:
            raise CommandError(
                f"The documents of {len(failed)} invoice(s) could not be made now "
                f"({', '.join(failed)}); run the command again later (the sweep tries too)."
            )
