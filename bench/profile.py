"""Profile one page of the bench dataset with pyinstrument, as the bench member.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ssr_bench DEBUG=off SECRET_KEY=… \\
        .venv/bin/python -m bench.profile /handelser/1/lagesbild/live/ --htmx --repeat 20

Prints the call tree of ``--repeat`` requests (after one warm-up request) and their query count.
"""

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--htmx", action="store_true")
    parser.add_argument("--anonymous", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssr_portal.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from .probes import _clients

    anonymous, member = _clients()
    client = anonymous if args.anonymous else member
    headers = {"X-Forwarded-Proto": "https"}
    if args.htmx:
        headers["HX-Request"] = "true"
    client.get(args.path, headers=headers)
    profiler = Profiler(interval=0.0005)
    with CaptureQueriesContext(connection) as captured:
        profiler.start()
        for _ in range(args.repeat):
            response = client.get(args.path, headers=headers)
        profiler.stop()
    print(f"status {response.status_code}, {len(captured) // args.repeat} queries per request")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
