"""Import population figures (folkmängd) from a CSV file, all rows or none.

Why: membership fees of municipalities are computed from SCB's registered population on
31 December of the year before the budget year; the secretariat imports SCB's table each year.
Columns: ``municipality_code,reference_date,inhabitants[,source]`` (source defaults to SCB), or
SCB's own table "Folkmängd efter region och år" as Statistikdatabasen exports it (detected from
the header). UTF-8 or Windows-1252.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actors.services import (
    population_csv_parse,
    population_figures_import,
    population_file_text,
)


class Command(BaseCommand):
    help = (
        "Import population figures from CSV: municipality_code,reference_date,inhabitants[,source] "
        "or SCB's table Folkmängd efter region och år (Statistikdatabasen)"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the CSV file (UTF-8 or Windows-1252).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; import nothing."
        )

    def handle(self, *args, file: str, dry_run: bool = False, verbosity: int = 1, **options):
        path = Path(file)
        try:
            text = population_file_text(path.read_bytes())
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {path}") from exc
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        rows, errors = population_csv_parse(text.splitlines())
        if not errors:
            result = population_figures_import(rows=rows, dry_run=dry_run)
            errors = result.errors
        if errors:
            for message in errors:
                self.stderr.write(message)
            raise CommandError(
                f"{len(errors)} bad row(s) in {path}; nothing was imported. Fix them and run again."
            )
        if verbosity:
            verb = "Would import" if dry_run else "Imported"
            self.stdout.write(
                f"{verb} {len(rows)} row(s) from {path}: {result.created} new, "
                f"{result.updated} updated, {result.unchanged} unchanged."
            )
