"""A fake Peppol access point: a real threaded HTTP server on 127.0.0.1 implementing the API
``membership.access_point.HttpAccessPoint`` speaks (POST /transmissions, GET
/transmissions/<id>), for tests. It records every document it takes, takes each Idempotency-Key
once (a repeat answers with the first transmission), and can be scripted: answer 503 (or any
code) the next N times, answer 400 (a document it refuses), or report a transmission's status."""

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "test-access-point-token"


@dataclass
class Received:
    transmission_id: str
    document: bytes
    sender: str
    receiver: str
    key: str
    content_type: str
    status: str = "sent"
    detail: str = ""


@dataclass
class FakeAccessPoint:
    received: list[Received] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path) of each
    failures: list[int] = field(default_factory=list)  # answer these codes first, one each
    refuse: str = ""  # answer 400 with this text to every POST

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.by_key: dict[str, Received] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeAccessPoint":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def answer_next(self, code: int, times: int = 1) -> None:
        """Answer the next ``times`` requests with ``code`` (e.g. 503: busy)."""
        with self.lock:
            self.failures.extend([code] * times)

    def report(self, transmission_id: str, status: str, detail: str = "") -> None:
        """What the access point says about a transmission from now on."""
        with self.lock:
            for item in self.received:
                if item.transmission_id == transmission_id:
                    item.status, item.detail = status, detail

    def documents(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, code: int, payload: dict | str) -> None:
                body = (
                    payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                )
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _scripted(self) -> bool:
                with fake.lock:
                    fake.requests.append((self.command, self.path))
                    if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                        self._answer(401, {"error": "unauthorised"})
                        return True
                    if fake.failures:
                        self._answer(fake.failures.pop(0), {"error": "scripted failure"})
                        return True
                return False

            def do_POST(self) -> None:
                document = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self._scripted():
                    return
                if self.path != "/api/transmissions":
                    return self._answer(404, {"error": "no such endpoint"})
                if fake.refuse:
                    return self._answer(400, {"error": fake.refuse})
                key = self.headers.get("Idempotency-Key", "")
                if not key:
                    return self._answer(400, {"error": "Idempotency-Key is required"})
                with fake.lock:
                    existing = fake.by_key.get(key)
                    if existing is None:
                        existing = Received(
                            transmission_id=f"tx-{uuid.uuid4().hex[:12]}",
                            document=document,
                            sender=self.headers.get("X-Peppol-Sender", ""),
                            receiver=self.headers.get("X-Peppol-Receiver", ""),
                            key=key,
                            content_type=self.headers.get("Content-Type", ""),
                        )
                        fake.by_key[key] = existing
                        fake.received.append(existing)
                        code = 201
                    else:
                        code = 200  # a repeat: the same transmission, nothing new
                self._answer(code, {"id": existing.transmission_id, "status": existing.status})

            def do_GET(self) -> None:
                if self._scripted():
                    return
                prefix = "/api/transmissions/"
                transmission_id = self.path.removeprefix(prefix)
                with fake.lock:
                    found = [r for r in fake.received if r.transmission_id == transmission_id]
                if not self.path.startswith(prefix) or not found:
                    return self._answer(404, {"error": "no such transmission"})
                self._answer(200, {"status": found[0].status, "detail": found[0].detail})

            def log_message(self, *args) -> None:
                pass

        return Handler
