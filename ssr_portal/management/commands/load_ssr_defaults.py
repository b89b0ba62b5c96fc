"""Load SSR's default data: the 37 parties, municipal clusters, functions, cited population,
the collaboration levels and the standing forums with their seats, and the goals document
2023–2026 with its goal areas and the common capabilities (ordinary-mode planning).

Why: a new installation (and every ``make run``) needs the network's parties without typing them
in. Running it again changes nothing; it never overwrites what the secretariat edited.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from actors.defaults import ssr_defaults_load
from forums.defaults import forum_defaults_load
from planning.defaults import planning_defaults_load


class Command(BaseCommand):
    help = (
        "Load SSR's default actors, clusters, functions, population figures, forums, goals and "
        "capabilities."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be created; write nothing."
        )

    def handle(self, *args, dry_run: bool = False, verbosity: int = 1, **options):
        with transaction.atomic():
            report = planning_defaults_load(forum_defaults_load(ssr_defaults_load()))
            if dry_run:
                transaction.set_rollback(True)
        if verbosity:
            prefix = "Would create" if dry_run else "Created"
            if report.total:
                details = ", ".join(f"{count} {what}" for what, count in report.created.items())
                self.stdout.write(f"{prefix}: {details}.")
            else:
                self.stdout.write("SSR defaults already loaded; nothing to do.")
