"""Seed a benchmark database (``make bench``): the network at a scale, or the invoice run alone.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ssr_bench SELLER_ORG_NUMBER=… \\
        SELLER_BANKGIRO=… .venv/bin/python -m bench.seed --scale 1

Why: speed is measured against data of a known size and shape, the same every time (fixed
random seed), made in seconds with bulk inserts. It refuses anything but an empty PostgreSQL
database, so it can never mix bench rows into real data. The benchmark world is not part of the
portal, so this is not one of the portal's management commands: ``python -m bench.seed`` runs
this command class with the portal's settings (``DJANGO_SETTINGS_MODULE``, by default
``ssr_portal.settings``), and the tests call it with ``call_command(Command(), …)``.
"""

import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Seed an empty PostgreSQL database with the deterministic benchmark dataset."

    def add_arguments(self, parser):
        from .world import INVOICE_RUN_YEARS, SEED

        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument(
            "--scale",
            type=float,
            help="Multiple of the base dataset (1 = 300 actors, 3,000 people, 60 forums, "
            "50 incidents, 20,000 reports, 500 pictures, 1,000 invoices).",
        )
        what.add_argument(
            "--invoice-run-actors",
            type=int,
            help="Instead: only members for the invoice run (agreements, population figures, "
            f"approved schedules for {' and '.join(map(str, INVOICE_RUN_YEARS))}).",
        )
        parser.add_argument("--seed", type=int, default=SEED, help="Random seed.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be made; write nothing."
        )

    def handle(self, *args, scale, invoice_run_actors, seed, dry_run, verbosity, **options):
        from django.db import connection

        from actors.models import Actor
        from membership.invoicing import seller_warnings

        from . import world

        if scale is not None and not 0 < scale <= 20:
            raise CommandError("--scale must be above 0 and at most 20.")
        if invoice_run_actors is not None and not 1 <= invoice_run_actors <= 20_000:
            raise CommandError("--invoice-run-actors must be between 1 and 20000.")
        if dry_run:
            planned = (
                world.planned_counts(scale) if scale is not None else {"actors": invoice_run_actors}
            )
            for name, number in planned.items():
                self.stdout.write(f"{name}: {number}")
            return
        if connection.vendor != "postgresql":
            raise CommandError("The seed needs PostgreSQL (set DATABASE_URL).")
        if Actor.objects.exists():
            raise CommandError(
                "The database already has actors: the bench seed needs an empty one."
            )
        if scale is not None and seller_warnings():
            # The world's invoices are issued by the portal's invoice run, which needs a seller.
            raise CommandError(" ".join(seller_warnings()))
        started = time.perf_counter()
        if scale is not None:
            counts = world.seed_scaled(scale, seed=seed)
        else:
            counts = world.seed_invoice_run(invoice_run_actors, seed=seed)
        elapsed = time.perf_counter() - started
        if verbosity >= 2:
            for name, number in counts.rows.items():
                self.stdout.write(f"  {name}: {number}")
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {sum(counts.rows.values())} rows in {elapsed:.1f} s (seed {seed})."
                )
            )


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssr_portal.settings")
    import django

    django.setup()
    argv = sys.argv[1:] if argv is None else argv
    Command().run_from_argv(["python -m", "bench.seed", *argv])


if __name__ == "__main__":
    main()
