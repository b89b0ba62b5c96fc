"""Processes the benchmarks start and always stop: Celery workers, gunicorn, an SMTP sink.

Every process is started in its own session and stopped by its process group, so no child is
left behind; only processes started here are ever signalled.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "bench" / "logs"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def portal_env(database_url: str, redis_url: str, secret_key: str, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off) against the bench database, behind a TLS proxy."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ssr_portal.settings",
        "DEBUG": "off",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "60",  # as docker-compose.yml
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "off",
        "USE_X_FORWARDED_PROTO": "on",
        "BENCH_FLOOR_VIEW": "on",
        "LOG_LEVEL": "WARNING",
        "SELLER_ORG_NUMBER": "202100-0001",
        "SELLER_BANKGIRO": "5050-1055",
        "SELLER_ADDRESS": "Box 22067",
        "SELLER_POSTAL_CODE": "104 22",
        "SELLER_EMAIL": "samverkan@example.org",
        **extra,
    }


def new_secret_key() -> str:
    return secrets.token_urlsafe(60)


def stop(process: subprocess.Popen, *, timeout: float = 30) -> None:
    """SIGTERM to the process group (warm shutdown), SIGKILL if it does not go in time."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_for_text(path: Path, text: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:4]} exited; see {path}")
        time.sleep(0.2)
    raise RuntimeError(f"Timed out waiting for {text!r} in {path}")


@contextlib.contextmanager
def celery_worker(env: dict[str, str], *, processes: int, queue: str) -> Iterator[subprocess.Popen]:
    """One Celery worker with ``processes`` prefork processes on ``queue``, ready when entered."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"celery-{queue}.log"
    log.unlink(missing_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ssr_portal",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(processes),
                "--queues",
                queue,
                "--hostname",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env={**env, "CELERY_TASK_DEFAULT_QUEUE": queue, "LOG_LEVEL": "INFO"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_text(log, "ready.", process, timeout=60)
        yield process
    finally:
        stop(process)


def _rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def worker_rss(process: subprocess.Popen) -> dict[str, Any]:
    """The resident memory of a Celery worker (MiB): its main process and each pool process
    (the main process's children, from /proc)."""
    with open(f"/proc/{process.pid}/task/{process.pid}/children") as children:
        pool = [int(pid) for pid in children.read().split()]
    return {"main": _rss_mib(process.pid), "pool": sorted(_rss_mib(pid) for pid in pool)}


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, port: int, workers: int) -> Iterator[subprocess.Popen]:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / "gunicorn.log"
    (LOGS / "access.log").unlink(missing_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ssr_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                str(LOGS / "access.log"),
                # When each request came, to which worker, and how long it took (ms): a stall in
                # a load test shows in this log.
                "--access-logformat",
                '%(t)s %(p)s "%(r)s" %(s)s %(M)s',
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_text(log, "Booting worker", process, timeout=60)
        yield process
    finally:
        stop(process)


class SmtpSink:
    """A local SMTP server (aiosmtpd) that accepts and counts messages, keeping none."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        sink = self
        self.received = 0
        self.lock = threading.Lock()

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with sink.lock:
                    sink.received += 1
                return "250 Message accepted"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def count(self) -> int:
        with self.lock:
            return self.received

    def __enter__(self) -> "SmtpSink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
