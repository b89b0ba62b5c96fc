"""``make bench``: seed, serve, load, time, report. See bench/README.md.

Everything runs on 127.0.0.1 against databases of its own (``BENCH_DATABASE_URL`` names the
scale-1 database; ``_s4``, ``_s10`` and ``_invoicing`` are made beside it) and Redis database
``BENCH_REDIS_URL``. Each load test is bounded in time and in requests.
"""

import argparse
import dataclasses
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import report
from .probes import TARGETS, headers_for
from .processes import (
    ROOT,
    SmtpSink,
    celery_worker,
    free_port,
    gunicorn,
    new_secret_key,
    portal_env,
)

RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "wrk_report.lua"
BENCHMARKS = ROOT / "BENCHMARKS.md"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _database_url(base: str, suffix: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + suffix))


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(url: str, env: dict[str, str], seed_args: list[str]) -> float:
    """Drop and create the database, migrate, seed; returns the seconds seeding took."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.strip("/")
    if not name.startswith("ssr_bench"):
        raise SystemExit(f"Refusing to drop {name!r}: bench databases are named ssr_bench*.")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    db_env = {**env, "DATABASE_URL": url}
    _manage(db_env, "migrate", "--noinput", "--verbosity", "0")
    started = time.perf_counter()
    # The world's invoices are issued by the portal's invoice run, which queues each one's
    # documents for a worker after commit; past invoices need none, so that queue is in memory.
    seed_env = {
        **db_env,
        "CELERY_BROKER_URL": "memory://",
        "CELERY_RESULT_BACKEND": "cache+memory://",
    }
    subprocess.run(
        [sys.executable, "-m", "bench.seed", *seed_args], cwd=ROOT, env=seed_env, check=True
    )
    return time.perf_counter() - started


def probe(env: dict[str, str], command: str, *args: str) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.probes", command, *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = next(
        line for line in reversed(completed.stdout.splitlines()) if line.startswith("BENCH_JSON ")
    )
    return json.loads(line.removeprefix("BENCH_JSON "))


def check_page(base: str, target: dict, cookie: str) -> None:
    """One request before the load: the page must answer as expected, not redirect to login."""
    headers = headers_for(target)
    if target["login"]:
        headers["Cookie"] = cookie
    request = urllib.request.Request(base + target["path"], headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        status = opener.open(request, timeout=30).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != target.get("status", 200):
        raise SystemExit(f"{target['path']} answered {status} before the load test; see logs")


def wrk(base: str, target: dict, cookie: str, args: argparse.Namespace, duration: int) -> dict:
    headers = headers_for(target)
    if target["login"]:
        headers["Cookie"] = cookie
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(base + target["path"])
    env = {
        **os.environ,
        "BENCH_MAX_REQUESTS_PER_THREAD": str(args.max_requests // args.threads),
        "BENCH_EXPECTED_STATUS": str(target.get("status", 200)),
    }
    output = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "rps": data["requests"] / seconds if seconds else 0.0,
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "errors": data["errors"],
    }


def load_pages(env: dict[str, str], args: argparse.Namespace, notes: list[str]) -> list[dict]:
    """Every page under load; the floor first and again last, since on a shared machine the load
    from others moves while the pages are measured: the ratios use the mean of both."""
    found = probe(env, "targets")
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    targets = [t for t in found["targets"] if not args.only or t["key"] in args.only]
    rows = []
    if not targets:
        return rows
    with gunicorn(env, port=port, workers=args.gunicorn_workers):
        for target in targets:
            rows.append(_load(base, target, found["cookie"], args))
        floors = [row for row in rows if row["key"] == report.FLOOR]
        if floors:
            floor = floors[0]
            again = _load(
                base, next(t for t in targets if t["key"] == report.FLOOR), found["cookie"], args
            )
            notes.append(
                f"The floor was measured first and again last: {floor['rps']:.0f} and "
                f"{again['rps']:.0f} req/s (p95 {floor['p95_ms']:.1f} and {again['p95_ms']:.1f} "
                "ms); the table gives their mean, and every ratio is to that mean."
            )
            floor["rps"] = (floor["rps"] + again["rps"]) / 2
            floor["requests"] += again["requests"]
            floor["errors"] += again["errors"]
    return rows


def _load(base: str, target: dict, cookie: str, args: argparse.Namespace) -> dict:
    check_page(base, target, cookie)
    log(f"load: {target['name']} ({target['path']})")
    wrk(base, target, cookie, args, args.warmup)
    result = wrk(base, target, cookie, args, args.duration)
    log(f"  {result['rps']:.0f} req/s, p95 {result['p95_ms']:.1f} ms")
    return {"key": target["key"], "name": target["name"], "path": target["path"], **result}


def crisis_surge(env: dict[str, str], args: argparse.Namespace) -> dict:
    """The crisis surge (``bench.surge``) against a gunicorn of its own, then what it wrote."""
    from .surge import SurgeConfig, children_cpu, finish, run_surge

    config = SurgeConfig(
        seconds=args.surge_seconds,
        members=args.surge_members,
        reporters=args.surge_reporters,
        ackers=args.surge_ackers,
    )
    spec = {"members": config.members, "reporters": config.reporters, "ackers": config.ackers}
    log(
        f"surge: sessions for {config.members} members, {config.reporters} reporters, "
        f"{config.ackers} acknowledging members and the RSIB"
    )
    people = probe(env, "surge_people", json.dumps(spec))["surge_people"]
    count_spec = {"incident": people["incident"], "direction": people["direction"]}
    before = probe(env, "surge_count", json.dumps(count_spec))["surge_count"]
    run_id = f"surge-{time.strftime('%H%M%S')}"
    port = args.port or free_port()
    # As in production (docker-compose.yml): a Celery worker of two processes beside the web
    # tier does what the requests hand over (the pictures' announcements and PDFs, the
    # e-mails, to a local SMTP server) and takes its share of the two cores.
    queue = f"{run_id}-{os.getpid()}"
    surge_env = {**env, "CELERY_TASK_DEFAULT_QUEUE": queue}
    log(f"surge: {config.seconds:.0f} s against gunicorn on port {port}, with a Celery worker")
    with (
        SmtpSink() as sink,
        celery_worker({**surge_env, "EMAIL_URL": sink.url}, processes=2, queue=queue) as worker,
        gunicorn(surge_env, port=port, workers=args.gunicorn_workers) as server,
    ):
        worker_before = children_cpu(worker.pid)
        raw = run_surge(
            f"http://127.0.0.1:{port}", people, config, run=run_id, server_pid=server.pid
        )
        raw["worker_cpu_s"] = children_cpu(worker.pid) - worker_before
        # The worker finishes what the surge handed over (bounded): every picture announced.
        marker_spec = json.dumps({**count_spec, "marker": f"[{run_id} "})
        deadline = time.monotonic() + 120
        while True:
            after = probe(env, "surge_count", marker_spec)["surge_count"]
            if after["unannounced"] == 0 or time.monotonic() > deadline:
                break
            time.sleep(2)
        raw["emails_received"] = sink.count()
    tags = after.pop("report_tags")
    written = {
        name: after[name] - before[name]
        for name in ("reports", "pictures", "acknowledgements", "announced")
    }
    written["unannounced"] = after["unannounced"]
    result = finish(raw, tags, written)
    result["config"] = dataclasses.asdict(config)
    for kind in result["kinds"].values():
        log(
            f"  {kind['name']}: {kind['count']} requests, p95 {kind['p95_ms']:.1f} ms, "
            f"{kind['errors']} errors"
        )
    return result


def _first_line(command: list[str]) -> str:
    try:
        return subprocess.run(
            command, stdout=subprocess.PIPE, text=True, check=False
        ).stdout.strip()
    except FileNotFoundError:
        return "?"


def machine() -> dict[str, str]:
    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = match.group(1).strip() if match else "?"
    memory = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"MemTotal:\s*(\d+) kB", meminfo.read_text())
        memory = f"{int(match.group(1)) / 1024 / 1024:.1f} GiB RAM" if match else "?"
    postgres = re.search(r"\(PostgreSQL\) ([\d.]+)", _first_line(["psql", "--version"]))
    redis = re.search(r"v=([\d.]+)", _first_line(["redis-server", "--version"]))
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": postgres.group(1) if postgres else "?",
        "redis": redis.group(1) if redis else "?",
    }


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


STEPS = ["surge", "large", "fanout", "invoicing"]


def wanted(step: str, args: argparse.Namespace) -> bool:
    """A step runs unless skipped; with ``--only``, only if named there."""
    return step not in args.skip and (not args.only or step in args.only)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--query-scales",
        type=float,
        nargs="+",
        default=[1.0, 4.0, 10.0],
        help="Scales whose query counts are compared (the first run's scale needs no seed).",
    )
    parser.add_argument("--duration", type=int, default=15, help="Seconds of load per page.")
    parser.add_argument("--warmup", type=int, default=3, help="Seconds of warm-up per page.")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-requests", type=int, default=60_000, help="Per page, in total.")
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--invoice-actors", type=int, default=1_000)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8010")))
    parser.add_argument(
        "--only",
        nargs="*",
        choices=[*(t["key"] for t in TARGETS), *STEPS],
        help="Only these page keys (floor, fragment…) and steps (surge, large, fanout, "
        "invoicing); without it, everything not skipped runs.",
    )
    parser.add_argument("--skip", nargs="*", default=[], choices=["pages", *STEPS])
    surge = parser.add_argument_group("crisis surge")
    surge.add_argument("--surge-seconds", type=float, default=180.0)
    surge.add_argument("--surge-members", type=int, default=500, help="Polling the fragment.")
    surge.add_argument("--surge-reporters", type=int, default=37, help="Actors reporting.")
    surge.add_argument("--surge-ackers", type=int, default=200, help="Acknowledging a direction.")
    parser.add_argument("--no-write", action="store_true", help="Print only; write no files.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    database = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ssr_bench")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
    secret = new_secret_key()
    env = portal_env(database, redis_url, secret)
    results: dict = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {**machine(), "load_before": load_average()},
        "settings": {
            "scale": args.scale,
            "connections": args.connections,
            "threads": args.threads,
            "duration": args.duration,
            "warmup": args.warmup,
            "max_requests": args.max_requests,
            "gunicorn_workers": args.gunicorn_workers,
        },
        "seed": {},
        "notes": [],
    }
    log("collectstatic (production static storage)")
    _manage({**env, "DATABASE_URL": database}, "collectstatic", "--noinput", "--verbosity", "0")

    log(f"seeding scale {args.scale}")
    results["seed"]["scale_s"] = prepare_database(database, env, ["--scale", str(args.scale)])
    env = {**env, "DATABASE_URL": database}
    queries = {report.scale_key(args.scale): probe(env, "queries")["queries"]}
    if "pages" not in args.skip:
        results["http"] = load_pages(env, args, results["notes"])
    else:
        results["http"] = []
    if wanted("surge", args):
        results["surge"] = crisis_surge(env, args)
    results["query_scales"] = [report.scale_key(scale) for scale in args.query_scales]
    if wanted("large", args):
        for scale in args.query_scales:
            key = report.scale_key(scale)
            if key in queries:
                continue
            other = _database_url(database, f"_s{key}")
            log(f"seeding scale {key} for the query counts")
            results["seed"][f"scale{key}_s"] = prepare_database(other, env, ["--scale", str(scale)])
            queries[key] = probe({**env, "DATABASE_URL": other}, "queries")["queries"]
    for row in results["http"]:
        row["queries"] = {key: queries.get(key, {}).get(row["key"]) for key in queries}
    results["queries"] = queries

    if wanted("fanout", args):
        log("notification fan-out")
        results.update(probe(env, "fanout"))
    if wanted("invoicing", args):
        invoicing_db = _database_url(database, "_invoicing")
        log(f"seeding {args.invoice_actors} members for the invoice run")
        results["seed"]["invoicing_s"] = prepare_database(
            invoicing_db, env, ["--invoice-run-actors", str(args.invoice_actors)]
        )
        log("invoice run")
        results.update(probe({**env, "DATABASE_URL": invoicing_db}, "invoicing"))
    results["machine"]["load_after"] = load_average()

    text = report.format_report(results)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        day = datetime.datetime.now(datetime.UTC).date().isoformat()
        path = RESULTS / f"{day}.md"
        if path.exists():
            path = RESULTS / f"{day}-{time.strftime('%H%M')}.md"
        path.write_text(f"# Benchmark results {day}\n\n{text}")
        (RESULTS / f"{path.stem}.json").write_text(json.dumps(results, indent=2, default=str))
        if BENCHMARKS.exists():
            BENCHMARKS.write_text(report.replace_latest(BENCHMARKS.read_text(), text))
        log(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
