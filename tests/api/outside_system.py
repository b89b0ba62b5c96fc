"""An actor's own system, as a separate program: it knows only the portal's address and its
token. It reads the active incidents, submits a situation report to the first one and prints
what it did as JSON on standard output. Only the standard library, as an outside script would.

Usage: python outside_system.py report BASE_URL TOKEN "SITUATION TEXT"
       python outside_system.py picture BASE_URL TOKEN INCIDENT_ID
"""

import json
import sys
import urllib.request


def call(base: str, token: str, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        base.rstrip("/") + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (a test's own URL)
        return {"status": response.status, "body": json.loads(response.read() or b"null")}


def report(base: str, token: str, situation: str) -> None:
    incidents = call(base, token, "GET", "/api/v1/incidents")["body"]
    incident = incidents["items"][0]
    submitted = call(
        base,
        token,
        "POST",
        f"/api/v1/incidents/{incident['id']}/reports",
        {"impact": "strained", "situation": situation, "sharing_level": "network"},
    )
    print(json.dumps({"incident": incident, "report": submitted}))


def picture(base: str, token: str, incident_id: str) -> None:
    print(json.dumps(call(base, token, "GET", f"/api/v1/incidents/{incident_id}/picture")))


if __name__ == "__main__":
    {"report": report, "picture": picture}[sys.argv[1]](*sys.argv[2:5])
