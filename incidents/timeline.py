"""The incident log: every state change is written here by the services. Append-only."""

from typing import Any

from .models import Incident, LogEntry


def log(incident: Incident, by: Any, kind: str, text: str) -> LogEntry:
    return LogEntry.objects.create(incident=incident, by=by, kind=kind, text=text)
