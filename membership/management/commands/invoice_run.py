"""Preview the annual invoice run: every actor to invoice, the basis and the amount.

Why: the secretariat checks the run (and fixes what it warns about) before anything is issued.
Warnings (no population figure for the reference date, no invoice address, no approved
schedule) go to standard error; a run with warnings must not be issued.
"""

import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from membership.fees import fee_preview, sek


class Command(BaseCommand):
    help = "Preview the invoice run for a budget year."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--preview", action="store_true", required=True, help="Show the run.")
        parser.add_argument("--format", choices=["table", "csv"], default="table")

    def handle(self, *args, year: int, format: str = "table", verbosity: int = 1, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(f"{year} is not a budget year.")
        preview = fee_preview(year)
        if format == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(["actor", "org_number", "basis", "amount_sek"])
            for row in preview.rows:
                amount = f"{row.amount:.2f}" if row.amount is not None else ""
                writer.writerow([row.actor.name, row.actor.org_number, row.basis, amount])
            writer.writerow(["TOTAL", "", "", f"{preview.total:.2f}"])
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
