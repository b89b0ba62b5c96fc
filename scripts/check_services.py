"""Make sure the PostgreSQL and Redis that the test suite needs are up, or say how to get them.

Starts them with the local packages' commands when they are installed but stopped (as on the
development machines); otherwise exits 1 with a clear message instead of a traceback.
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

PG_URL = urlparse(os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/"))
REDIS_URL = urlparse(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def start_postgres() -> None:
    versions = sorted(os.path.basename(p) for p in glob.glob("/etc/postgresql/*"))
    if shutil.which("pg_ctlcluster") and versions:
        print(f"Starting PostgreSQL {versions[-1]}…")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
            check=False,
        )


def start_redis() -> None:
    if shutil.which("redis-server"):
        print("Starting Redis…")
        os.makedirs("/var/lib/redis", exist_ok=True)
        os.makedirs("/var/log/redis", exist_ok=True)
        subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "-::1",
                "--port",
                str(REDIS_URL.port or 6379),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                "/var/lib/redis",
                "--logfile",
                "/var/log/redis/ci.log",
            ],
            check=False,
        )


def ensure(name: str, host: str, port: int, start, advice: str) -> bool:
    if reachable(host, port):
        return True
    start()
    for _ in range(30):
        if reachable(host, port):
            return True
        time.sleep(0.5)
    print(f"\n{name} is not reachable at {host}:{port}.\n{advice}\n", file=sys.stderr)
    return False


def main() -> int:
    ok = ensure(
        "PostgreSQL",
        PG_URL.hostname or "127.0.0.1",
        PG_URL.port or 5432,
        start_postgres,
        "Start one with `docker compose up -d db` (then set TEST_DATABASE_URL="
        "postgres://ssr:ssr@127.0.0.1:5432/ssr), or install the distribution's package "
        "(`apt-get install postgresql`) and allow the user `postgres` on 127.0.0.1.",
    )
    ok = (
        ensure(
            "Redis",
            REDIS_URL.hostname or "127.0.0.1",
            REDIS_URL.port or 6379,
            start_redis,
            "Start one with `docker compose up -d redis`, or install the distribution's package "
            "(`apt-get install redis-server`).",
        )
        and ok
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
