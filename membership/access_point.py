"""The Peppol access point that carries e-invoices to the buyer's, named by
``ACCESS_POINT_BACKEND``.

An access point takes the UBL document with the sender's and the receiver's Peppol participant
ids and answers with a transmission id; asked later about that id, it says whether the receiver's
access point took the document or rejected it. ``reference`` is the outbox row's uid, the same on
every retry, so the access point can drop a repeat (its ``Idempotency-Key``).
"""

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import requests
from django.conf import settings
from django.utils.module_loading import import_string

from notifications.channels.base import PermanentError, TransientError

logger = logging.getLogger(__name__)

SENT = "sent"
DELIVERED = "delivered"
REJECTED = "rejected"
FAILED = "failed"
STATES = (SENT, DELIVERED, REJECTED, FAILED)


@dataclass(frozen=True)
class TransmissionStatus:
    """Where a transmission stands: ``state`` one of ``STATES``; ``detail`` the access point's
    explanation (why it was rejected)."""

    state: str
    detail: str = ""


class AccessPoint(Protocol):
    def send(self, *, document: bytes, sender: str, receiver: str, reference: str) -> str:
        """Hand the document over; returns the transmission id. TransientError when trying
        again may help, PermanentError when it cannot."""
        ...

    def status(self, transmission_id: str) -> TransmissionStatus: ...


def _state(value: object) -> str:
    """The access point's word for the state, as one of ours: anything not final yet (queued,
    accepted, processing…) is still "sent"."""
    value = str(value or "").lower()
    return value if value in STATES else SENT


class HttpAccessPoint:
    """The HTTP API Swedish access-point providers offer: ``POST {url}/transmissions`` with the
    UBL as the body, the participants in ``X-Peppol-Sender``/``X-Peppol-Receiver`` and the
    reference as ``Idempotency-Key``, answered with ``{"id", "status"}``; ``GET
    {url}/transmissions/{id}`` answers ``{"status", "detail"}``.

    Configured by ACCESS_POINT_URL, ACCESS_POINT_TOKEN and ACCESS_POINT_TIMEOUT (at most half the
    outbox's lease). 4xx answers are permanent except 408 and 429; 5xx answers and network errors
    are transient.
    """

    def __init__(self) -> None:
        self.url = settings.ACCESS_POINT_URL.rstrip("/")
        self.token = settings.ACCESS_POINT_TOKEN
        self.timeout = settings.ACCESS_POINT_TIMEOUT

    def _headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json", **extra}

    def _request(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = requests.request(method, f"{self.url}{path}", timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise TransientError(f"Access point: {exc}") from exc
        code = response.status_code
        if code in (408, 429) or code >= 500:
            raise TransientError(f"Access point {code}: {response.text[:200]}")
        if 400 <= code < 500:
            raise PermanentError(f"Access point {code}: {response.text[:500]}")
        try:
            answer = response.json()
        except ValueError as exc:
            # Taken or not, we cannot tell: the same Idempotency-Key makes a retry safe.
            raise TransientError(f"Access point {code}: not JSON: {response.text[:200]}") from exc
        if not isinstance(answer, dict):
            raise TransientError(f"Access point {code}: unexpected answer {answer!r:.200}")
        return answer

    def send(self, *, document: bytes, sender: str, receiver: str, reference: str) -> str:
        answer = self._request(
            "POST",
            "/transmissions",
            data=document,
            headers=self._headers(
                **{
                    "Content-Type": "application/xml",
                    "X-Peppol-Sender": sender,
                    "X-Peppol-Receiver": receiver,
                    "Idempotency-Key": reference,
                }
            ),
        )
        transmission_id = str(answer.get("id") or "")
        if not transmission_id:
            raise TransientError(f"Access point: no transmission id in {answer!r:.200}")
        return transmission_id

    def status(self, transmission_id: str) -> TransmissionStatus:
        answer = self._request(
            "GET",
            f"/transmissions/{requests.utils.quote(transmission_id, safe='')}",
            headers=self._headers(),
        )
        return TransmissionStatus(_state(answer.get("status")), str(answer.get("detail") or ""))


class LocalAccessPoint:
    """For `make run` (the default): writes the document to ``MEDIA_ROOT/peppol-outbox/
    <reference>.xml`` (once per reference) and reports it delivered."""

    directory = "peppol-outbox"

    def _path(self, name: str) -> Path:
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise PermanentError(f"Local access point: not a file name: {name!r}")
        return Path(settings.MEDIA_ROOT) / self.directory / f"{name}.xml"

    def send(self, *, document: bytes, sender: str, receiver: str, reference: str) -> str:
        path = self._path(reference)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole to a temporary file, then linked to its name only if the name is free:
        # a repeat of the reference writes nothing, and no reader sees half a document.
        handle, temporary = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(document)
            os.link(temporary, path)
        except FileExistsError:
            logger.info("Peppol document %s was already handed over; not written again.", reference)
        else:
            logger.info(
                "Peppol document %s from %s to %s written to %s", reference, sender, receiver, path
            )
        finally:
            os.unlink(temporary)
        return reference

    def status(self, transmission_id: str) -> TransmissionStatus:
        if not self._path(transmission_id).exists():
            return TransmissionStatus(FAILED, "The document is not in the local outbox.")
        return TransmissionStatus(DELIVERED)


def access_point() -> AccessPoint:
    return import_string(settings.ACCESS_POINT_BACKEND)()
