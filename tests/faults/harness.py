"""Real parts that fault tests start, break and always stop: a Redis server, Celery worker
processes and an SMTP server that counts every message by its Message-ID.

Every child runs in its own session and is stopped by its process id (its process group) in a
``finally``; every wait is bounded. Only processes started here are ever signalled.
"""

import collections
import contextlib
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from email import policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], timeout: float, interval: float = 0.1) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def _stop_group(process: subprocess.Popen, *, timeout: float = 15, kill: bool = False) -> None:
    """SIGTERM (or SIGKILL) to the child's process group, SIGKILL if it does not go in time."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    # Children of a killed group leader (prefork pool processes) go with the group's SIGKILL.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


class RedisServer:
    """A ``redis-server`` of the test's own on a free port, keeping nothing on disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 10) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

        def answers() -> bool:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock,
            ):
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
            return False

        if not wait_until(answers, timeout):
            self.stop()
            raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        """Kill the server at once (as a crash would); what it held is gone."""
        if self.process is not None:
            _stop_group(self.process, kill=True)

    def __enter__(self) -> "RedisServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class _Counter:
    def __init__(self, smtp: "CountingSmtp") -> None:
        self.smtp = smtp

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        if self.smtp.delay:
            await asyncio.sleep(self.smtp.delay)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.smtp.lock:
            self.smtp._ids.append(str(message.get("Message-ID", "")))
            self.smtp._to.extend(envelope.rcpt_tos)
        return "250 Message accepted"


class CountingSmtp:
    """A local SMTP server (aiosmtpd) that records each message's Message-ID and recipients.
    ``delay``: seconds it takes to accept each message (a slow relay)."""

    def __init__(self, delay: float = 0.0) -> None:
        from aiosmtpd.controller import Controller

        self.delay = delay
        self.lock = threading.Lock()
        self._ids: list[str] = []
        self._to: list[str] = []
        self.port = free_port()
        self.controller = Controller(
            _Counter(self), hostname="127.0.0.1", port=self.port, ready_timeout=10
        )

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def message_ids(self) -> list[str]:
        with self.lock:
            return list(self._ids)

    def recipients(self) -> list[str]:
        with self.lock:
            return list(self._to)

    def received(self) -> int:
        with self.lock:
            return len(self._ids)

    def duplicates(self) -> int:
        """Messages received more than once, counted by the repeats (3 copies = 2)."""
        counts = collections.Counter(self.message_ids())
        return sum(count - 1 for count in counts.values())

    def __enter__(self) -> "CountingSmtp":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"


class Worker:
    """A real Celery worker (prefork) against the current test database, as a child process in
    its own session."""

    def __init__(
        self,
        redis_url: str,
        smtp_url: str,
        *,
        concurrency: int = 2,
        extra_env: dict[str, str] | None = None,
        queues: str = "celery",
    ) -> None:
        from django.conf import settings

        self.concurrency = concurrency
        self.queues = queues
        self.log = Path(tempfile.mkstemp(prefix="ssr-fault-worker-", suffix=".log")[1])
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ssr_portal.settings",
            "DEBUG": "on",
            "SECRET_KEY": "fault-tests-" + "x" * 40,
            "DATABASE_URL": _database_url(),
            "CONN_MAX_AGE": "0",
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "off",
            "EMAIL_URL": smtp_url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "LOG_LEVEL": "INFO",
            **(extra_env or {}),
        }
        for name in ("TEST_DATABASE_URL", "DATABASE_APP_ROLE"):
            self.env.pop(name, None)
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
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
                    str(self.concurrency),
                    "--queues",
                    self.queues,
                    "--hostname",
                    f"fault{os.getpid()}-{time.monotonic_ns()}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel",
                    "INFO",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_ready(self, timeout: float = 60) -> None:
        assert self.process is not None

        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"The worker exited:\n{self.log_text()[-3000:]}")
            return " ready." in self.log_text()

        if not wait_until(ready, timeout, interval=0.2):
            raise RuntimeError(
                f"The worker was not ready in {timeout} s:\n{self.log_text()[-3000:]}"
            )

    def child_pids(self) -> list[int]:
        """The pool's processes (children of the main worker process)."""
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError):
            return [int(pid) for pid in path.read_text().split()]
        return []

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool) at once, as a crash would."""
        if self.process is not None:
            _stop_group(self.process, kill=True)

    def stop(self) -> None:
        if self.process is not None:
            _stop_group(self.process)

    def __enter__(self) -> "Worker":
        self.start()
        self.wait_ready()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.stop()
        finally:
            self.log.unlink(missing_ok=True)


@contextlib.contextmanager
def portal_settings(redis_url: str) -> Iterator[None]:
    """Point this test process's cache, Celery broker and REDIS_URL at ``redis_url`` (Celery not
    eager), and put everything back afterwards."""
    from django.conf import settings
    from django.core.cache import caches
    from django.test import override_settings

    from ssr_portal.celery import app

    backend = settings.CACHES["default"]["BACKEND"]
    if "redis" not in backend.lower():
        backend = "django.core.cache.backends.redis.RedisCache"
    caches_setting = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "BACKEND": backend, "LOCATION": redis_url},
    }
    saved = {key: app.conf.get(key) for key in ("broker_url", "task_always_eager")}
    with override_settings(
        CACHES=caches_setting,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER=False,
    ):
        app.conf.update(broker_url=redis_url, task_always_eager=False)
        _new_broker_pool(app)
        try:
            yield
        finally:
            app.conf.update(**saved)
            _new_broker_pool(app)
            caches.close_all()


def _new_broker_pool(app) -> None:
    """Forget the Celery app's broker connection pools, so that the next publish connects to
    the broker now configured. (Not closed: kombu's shared producer pools may still hold them.)"""
    app._pool = None
    app.amqp._producer_pool = None
