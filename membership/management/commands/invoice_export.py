"""Write <invoice number>.pdf and <invoice number>.xml for every invoice and credit note of a
year (for the finance system or an archive); makes any document that is still missing or gone
from storage (same number, same content). Exits with an error naming the invoices whose documents
could not be made, after writing all the others."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from membership.invoicing import invoice_files_export


class Command(BaseCommand):
    help = "Export the PDF and Peppol XML of every invoice and credit note of a year."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--dir", required=True, help="Directory to write to (created if missing)."
        )

    def handle(self, *args, year: int, dir: str, verbosity: int = 1, **options):
        written, failed = invoice_files_export(year=year, directory=Path(dir))
        if verbosity:
            self.stdout.write(f"Wrote {written} file(s) to {dir}.")
        if failed:
            raise CommandError(
                f"The documents of {len(failed)} invoice(s) could not be made now "
                f"({', '.join(failed)}); the rest were written. Run the export again later."
            )
