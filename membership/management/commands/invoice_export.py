"""Write <invoice number>.pdf and <invoice number>.xml for every invoice and credit note of a
year (for the finance system or an archive); makes any document that is still missing."""

from pathlib import Path

from django.core.management.base import BaseCommand

from membership.invoicing import invoice_files_export


class Command(BaseCommand):
    help = "Export the PDF and Peppol XML of every invoice and credit note of a year."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--dir", required=True, help="Directory to write to (created if missing)."
        )

    def handle(self, *args, year: int, dir: str, verbosity: int = 1, **options):
        written = invoice_files_export(year=year, directory=Path(dir))
        if verbosity:
            self.stdout.write(f"Wrote {written} file(s) to {dir}.")
