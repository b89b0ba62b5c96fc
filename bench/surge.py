"""The crisis surge (``make bench``'s surge step): many people at once, on an open-loop schedule.

For ``seconds`` (3 minutes by default) against the portal under gunicorn:

- ``members`` members (500) each poll the live fragment every ``poll_seconds`` (10), as the
  picture page's htmx does (``hx-get`` with ``?since=<version>`` and ``HX-Request``; the
  version is taken from each fragment answered, an ``ETag`` sent back as ``If-None-Match``);
- ``reporters`` actors (37) each submit a situation report every minute: every other one by
  the form (open the form, send it back with its CSRF token and the previous version's text),
  the others by their own system through the REST API (``POST /api/v1/…/reports``, a token);
- the RSIB on duty publishes a picture every ``publish_every`` seconds (120) through the page;
- ``ackers`` members (200) each click "acknowledge" on a direction in the first minute, as the
  incident page's button sends it (``hx-post``: the answer takes the button's place).

Every request is sent at its planned time whatever the answers before it (open loop), and its
latency is counted from that planned time, so a server that falls behind shows up in the
figures instead of slowing the load down (no coordinated omission). A request that follows
another one in the same action (the form's POST after its GET, the page a redirect leads to) is
planned for the moment the previous answer arrived. Everything goes to 127.0.0.1 only, and the
number of requests is known before the start.

The schedule, the percentiles, the CPU arithmetic and the report accounting are pure functions,
tested in ``tests/bench/test_surge.py``.
"""

import asyncio
import dataclasses
import html.parser
import json
import math
import random
import re
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

POLL = "poll"
REPORT_FORM = "report_form"
REPORT_SUBMIT = "report_submit"
REPORT_API = "report_api"
PUBLISH_FORM = "publish_form"
PUBLISH = "publish"
ACKNOWLEDGE = "acknowledge"
AFTER_SUBMIT = "after_submit"

KIND_NAMES = {
    POLL: "Live fragment poll",
    REPORT_FORM: "Report form (GET)",
    REPORT_SUBMIT: "Report submitted by the form",
    REPORT_API: "Report submitted through the API",
    PUBLISH_FORM: "Publish form (GET)",
    PUBLISH: "Picture published",
    ACKNOWLEDGE: "Direction acknowledged",
    AFTER_SUBMIT: "Page after a submit (redirect)",
}
# What each kind answers when all is well (304: an ETag matched; 204: no new version).
EXPECTED = {
    POLL: {200, 204, 304},
    REPORT_FORM: {200},
    REPORT_SUBMIT: {302},
    REPORT_API: {201},
    PUBLISH_FORM: {200},
    PUBLISH: {302},
    ACKNOWLEDGE: {200},
    AFTER_SUBMIT: {200},
}
GOAL_P95_MS = 200.0
SINCE = re.compile(r"lagesbild/live/\?since=([0-9]+-[0-9]+)")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclasses.dataclass(frozen=True)
class SurgeConfig:
    seconds: float = 180.0
    members: int = 500
    poll_seconds: float = 10.0
    reporters: int = 37
    report_every: float = 60.0
    publish_every: float = 120.0
    ackers: int = 200
    ack_window: float = 60.0
    first_publish: float = 5.0
    timeout: float = 30.0
    seed: int = 20_261_122


@dataclasses.dataclass(frozen=True, order=True)
class Planned:
    at: float  # seconds after the start
    kind: str
    who: int  # the index of the member, reporter or acker (0 for the RSIB)


def build_schedule(config: SurgeConfig) -> list[Planned]:
    """Every action of the surge at its planned second, sorted; deterministic for a seed.

    Each member's polls are spaced by ``poll_seconds`` from a phase of their own (the pages
    were opened at different moments), the reporters' minutes and the acknowledgements are
    spread evenly, with a little jitter so that no two fall exactly together."""
    rng = random.Random(config.seed)
    planned: list[Planned] = []

    def repeat(kind: str, who: int, first: float, every: float) -> None:
        at = first
        while at < config.seconds:
            planned.append(Planned(round(at, 6), kind, who))
            at += every

    for member in range(config.members):
        phase = config.poll_seconds * (member + rng.random()) / max(1, config.members)
        repeat(POLL, member, phase, config.poll_seconds)
    for reporter in range(config.reporters):
        phase = config.report_every * (reporter + rng.random()) / max(1, config.reporters)
        repeat(REPORT_SUBMIT, reporter, phase, config.report_every)
    repeat(PUBLISH, 0, min(config.first_publish, config.seconds / 2), config.publish_every)
    window = min(config.ack_window, config.seconds)
    for acker in range(config.ackers):
        planned.append(
            Planned(
                round(window * (acker + rng.random()) / max(1, config.ackers), 6),
                ACKNOWLEDGE,
                acker,
            )
        )
    return sorted(planned)


def schedule_counts(schedule: Iterable[Planned]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for item in schedule:
        counts[item.kind] += 1
    return dict(counts)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100) by the nearest-rank method; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(samples: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per kind: count, p50/p95/p99 in ms, errors, and the answers by status."""
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for sample in samples:
        by_kind[sample["kind"]].append(sample)
    found = {}
    for kind, rows in by_kind.items():
        latencies = [row["ms"] for row in rows]
        statuses: dict[str, int] = defaultdict(int)
        for row in rows:
            statuses[str(row["status"])] += 1
        found[kind] = {
            "name": KIND_NAMES.get(kind, kind),
            "count": len(rows),
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99),
            "max_ms": max(latencies),
            "errors": sum(1 for row in rows if row["error"]),
            "statuses": dict(sorted(statuses.items())),
        }
    return dict(sorted(found.items(), key=lambda item: list(KIND_NAMES).index(item[0])))


def cpu_times() -> list[int]:
    """The machine's aggregate CPU counters (``/proc/stat``'s first line), in ticks."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()
    return [int(value) for value in fields[1:]]


def idle_share(before: Sequence[int], after: Sequence[int]) -> float | None:
    """The share of the machine's CPU time left idle (idle + iowait) between two readings."""
    delta = [b - a for a, b in zip(before, after, strict=False)]
    total = sum(delta[:8])  # user nice system idle iowait irq softirq steal (guest is in user)
    if total <= 0:
        return None
    return (delta[3] + delta[4]) / total


def report_accounting(accepted: Iterable[str], stored: Iterable[str]) -> dict[str, int]:
    """Accepted reports (answered 302 or 201) against the reports found in the database, by the
    tag each carries: lost (accepted, not stored), duplicated (stored twice or more) and
    unanswered (stored, though its request failed or timed out: not lost, but not confirmed)."""
    accepted_set = set(accepted)
    counts: dict[str, int] = defaultdict(int)
    for tag in stored:
        counts[tag] += 1
    return {
        "accepted": len(accepted_set),
        "stored": sum(counts.values()),
        "lost": len(accepted_set - counts.keys()),
        "duplicated": sum(n - 1 for n in counts.values() if n > 1),
        "unanswered": len(counts.keys() - accepted_set),
    }


def verdict(summary: dict[str, dict[str, Any]], accounting: dict[str, int]) -> dict[str, bool]:
    return {
        "p95": bool(summary) and all((k["p95_ms"] or 0) < GOAL_P95_MS for k in summary.values()),
        "errors": all(k["errors"] == 0 for k in summary.values()),
        "reports": accounting.get("lost", 1) == 0
        and accounting.get("duplicated", 1) == 0
        and accounting.get("accepted", 0) > 0,
    }


class _FormFields(html.parser.HTMLParser):
    """The values a browser would send for the page's POST form to ``path`` (inputs, checked
    radios and boxes, selected options, text areas)."""

    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.fields: dict[str, str] = {}
        self.action: str | None = None
        self._in_form = self._done = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._form_fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._done:
            return
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form, self._form_fields, self.action = True, {}, a.get("action")
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self._form_fields[name] = a.get("value") or "on"
                else:
                    self._form_fields.setdefault(f"\0{name}", a.get("value") or "on")
            elif kind not in ("submit", "button", "file"):
                self._form_fields[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self._form_fields[name] = ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value") or ""
            if "selected" in a:
                self._form_fields[self._select] = a.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self._form_fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            self._form_fields.setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "form" and self._in_form:
            self._in_form = False
            # A form without an action posts to its own page.
            if urllib.parse.urlsplit(self.action or self.path).path == self.path:
                self._done = True
                self.fields = self._finish(self._form_fields)

    @staticmethod
    def _finish(found: dict[str, str]) -> dict[str, str]:
        fields = {k: v for k, v in found.items() if not k.startswith("\0")}
        # A radio group with none checked (a first report): the member picks the first choice.
        for key, value in found.items():
            if key.startswith("\0"):
                fields.setdefault(key[1:], value)
        return fields


def form_fields(page: str, path: str) -> dict[str, str]:
    """The fields of the page's POST form to ``path`` (not the header's logout forms)."""
    parser = _FormFields(path)
    parser.feed(page)
    return parser.fields


class _Surge:
    def __init__(self, base: str, people: dict[str, Any], config: SurgeConfig, run: str):
        self.base, self.people, self.config, self.run = base, people, config, run
        host = urllib.parse.urlsplit(base).netloc
        # The portal is served behind a TLS proxy: the browser's origin is https.
        self.origin = f"https://{host}"
        incident = people["incident"]
        self.paths = {
            "picture": f"/handelser/{incident}/lagesbild/",
            "live": f"/handelser/{incident}/lagesbild/live/",
            "report": f"/handelser/{incident}/rapport/",
            "api_report": f"/api/v1/incidents/{incident}/reports",
            "publish": f"/handelser/{incident}/lagesbild/publicera/",
            "incident": f"/handelser/{incident}/",
            "acknowledge": f"/inriktningar/{people['direction']}/kvittera/",
        }
        session = people["session_cookie"]
        self.jars = {
            "member": [{session: s} for s in people["members"]],
            "acker": [{session: s} for s in people["ackers"]],
            "reporter": [{session: r["session"]} for r in people["reporters"]],
            "rsib": [{session: people["rsib"]["session"]}],
        }
        self.since = [people["since"]] * len(people["members"])
        self.etags: list[str | None] = [None] * len(people["members"])
        self.ack_tokens: list[str | None] = [None] * len(people["ackers"])
        self.samples: list[dict[str, Any]] = []
        self.accepted_reports: list[str] = []
        self.report_versions: dict[int, int] = defaultdict(int)
        self.start = 0.0

    async def request(
        self,
        client,
        kind: str,
        planned: float,
        method: str,
        path: str,
        *,
        jar: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        data: dict[str, str] | None = None,
        body: Any = None,
    ) -> tuple[int, str, Any]:
        """One request; its latency from ``planned`` (a monotonic time) to the whole answer."""
        sent = {"X-Forwarded-Proto": "https", **(headers or {})}
        if jar:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        status, text, response_headers, error = 0, "", {}, None
        try:
            async with client.request(
                method,
                self.base + path,
                headers=sent,
                data=data,
                json=body,
                allow_redirects=False,
            ) as response:
                text = await response.text()
                status, response_headers = response.status, response.headers
                if jar is not None:
                    for name, morsel in response.cookies.items():
                        if morsel["max-age"] == "0" or not morsel.value:
                            jar.pop(name, None)
                        else:
                            jar[name] = morsel.value
        except Exception as exc:  # a refused connection or a timeout is an error, not a crash
            error = f"{type(exc).__name__}: {exc}"[:200]
        elapsed = (time.monotonic() - planned) * 1000
        bad = error is not None or status not in EXPECTED[kind]
        self.samples.append(
            {
                "kind": kind,
                "ms": elapsed,
                "status": status if error is None else "exception",
                "error": bad,
                "at": planned - self.start,
                "detail": error or ("" if not bad else text[:200]),
            }
        )
        return status, text, response_headers

    async def poll(self, client, item: Planned, planned: float) -> None:
        m = item.who
        headers = {"HX-Request": "true", "HX-Current-URL": self.origin + self.paths["picture"]}
        if self.etags[m]:
            headers["If-None-Match"] = self.etags[m]
        path = f"{self.paths['live']}?since={self.since[m]}"
        status, text, response_headers = await self.request(
            client, POLL, planned, "GET", path, jar=self.jars["member"][m], headers=headers
        )
        if status == 200:
            found = SINCE.search(text)
            if found:
                self.since[m] = found.group(1)
            self.etags[m] = response_headers.get("ETag") or self.etags[m]

    def _post_headers(self, page: str) -> dict[str, str]:
        return {"Origin": self.origin, "Referer": self.origin + page}

    async def _follow(self, client, jar, response_headers) -> None:
        location = response_headers.get("Location", "")
        path = urllib.parse.urlsplit(location).path
        if path.startswith("/"):
            await self.request(client, AFTER_SUBMIT, time.monotonic(), "GET", path, jar=jar)

    def _report_text(self, who: int) -> tuple[str, str]:
        self.report_versions[who] += 1
        tag = f"[{self.run} r{who} n{self.report_versions[who]}]"
        return tag, f"{tag}\nLäget under bänktestets kris: elavbrottet fortsätter i delar av länet."

    async def report(self, client, item: Planned, planned: float) -> None:
        reporter = self.people["reporters"][item.who]
        tag, situation = self._report_text(item.who)
        if reporter.get("token"):
            body = {
                "impact": "strained",
                "situation": situation,
                "needs": "Reservkraft.",
                "next_report_due": _in_two_hours(),
            }
            status, _text, _headers = await self.request(
                client,
                REPORT_API,
                planned,
                "POST",
                self.paths["api_report"],
                headers={"Authorization": f"Bearer {reporter['token']}"},
                body=body,
            )
            if status == 201:
                self.accepted_reports.append(tag)
            return
        jar = self.jars["reporter"][item.who]
        status, page, _headers = await self.request(
            client, REPORT_FORM, planned, "GET", self.paths["report"], jar=jar
        )
        if status != 200:
            return
        fields = form_fields(page, self.paths["report"])
        fields["situation"] = situation
        if "next_report_due" in fields and not fields["next_report_due"]:
            fields["next_report_due"] = _in_two_hours(local_form=True)
        status, _text, response_headers = await self.request(
            client,
            REPORT_SUBMIT,
            time.monotonic(),
            "POST",
            self.paths["report"],
            jar=jar,
            headers=self._post_headers(self.paths["report"]),
            data=fields,
        )
        if status == 302:
            self.accepted_reports.append(tag)
            await self._follow(client, jar, response_headers)

    async def publish(self, client, item: Planned, planned: float) -> None:
        jar = self.jars["rsib"][0]
        status, page, _headers = await self.request(
            client, PUBLISH_FORM, planned, "GET", self.paths["publish"], jar=jar
        )
        if status != 200:
            return
        fields = form_fields(page, self.paths["publish"])
        fields["summary"] = (fields.get("summary") or "").strip() or "Läget är oförändrat."
        status, _text, response_headers = await self.request(
            client,
            PUBLISH,
            time.monotonic(),
            "POST",
            self.paths["publish"],
            jar=jar,
            headers=self._post_headers(self.paths["publish"]),
            data=fields,
        )
        if status == 302:
            await self._follow(client, jar, response_headers)

    async def acknowledge(self, client, item: Planned, planned: float) -> None:
        jar = self.jars["acker"][item.who]
        await self.request(
            client,
            ACKNOWLEDGE,
            planned,
            "POST",
            self.paths["acknowledge"],
            jar=jar,
            # As the button's form sends it (hx-post): the answer takes the button's place.
            headers={**self._post_headers(self.paths["incident"]), "HX-Request": "true"},
            data={"csrfmiddlewaretoken": self.ack_tokens[item.who] or ""},
        )

    async def open_pages(self, client, concurrency: int = 4) -> None:
        """Before the clock starts: the acknowledging members have the incident page open (the
        button's form and its CSRF token come from it). Not measured."""
        limit = asyncio.Semaphore(concurrency)

        async def open_one(index: int) -> None:
            jar = self.jars["acker"][index]
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
            async with (
                limit,
                client.get(
                    self.base + self.paths["incident"],
                    headers={"X-Forwarded-Proto": "https", **headers},
                    allow_redirects=False,
                ) as response,
            ):
                page = await response.text()
                if response.status != 200:
                    raise RuntimeError(f"The incident page answered {response.status}")
                for name, morsel in response.cookies.items():
                    jar[name] = morsel.value
            found = CSRF_INPUT.search(page)
            self.ack_tokens[index] = found.group(1) if found else None

        await asyncio.gather(*(open_one(i) for i in range(len(self.jars["acker"]))))

    async def run_schedule(self, client, schedule: list[Planned]) -> float:
        """Send every planned action at its time; returns the seconds the sending lagged most
        behind the plan (the load generator's own delay, also in the latencies)."""
        actions = {
            POLL: self.poll,
            REPORT_SUBMIT: self.report,
            PUBLISH: self.publish,
            ACKNOWLEDGE: self.acknowledge,
        }
        tasks = []
        worst_lag = 0.0
        self.start = time.monotonic() + 0.5
        for item in schedule:
            planned = self.start + item.at
            delay = planned - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            worst_lag = max(worst_lag, time.monotonic() - planned)
            tasks.append(asyncio.create_task(actions[item.kind](client, item, planned)))
        await asyncio.gather(*tasks)
        return worst_lag


def _in_two_hours(*, local_form: bool = False) -> str:
    import datetime

    at = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2)
    if local_form:  # as the browser's datetime-local field sends it (the portal's time zone)
        import zoneinfo

        return at.astimezone(zoneinfo.ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%dT%H:%M")
    return at.isoformat()


def _process_cpu() -> float:
    return time.process_time()


def children_cpu(pid: int) -> float:
    """CPU seconds of a process's children so far (the gunicorn workers of the master, the
    pool processes of a Celery worker)."""
    total = 0.0
    tick = 100.0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if not children.exists():
        return 0.0
    for child in children.read_text().split():
        stat = Path(f"/proc/{child}/stat")
        if stat.exists():
            fields = stat.read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def _surge(base: str, people: dict, config: SurgeConfig, run: str, server_pid: int | None):
    import aiohttp

    surge = _Surge(base, people, config, run)
    schedule = build_schedule(config)
    timeout = aiohttp.ClientTimeout(total=config.timeout)
    # Browsers open connections of their own; the pool is wide enough not to queue them here.
    connector = aiohttp.TCPConnector(limit=512, force_close=False)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
    ) as client:
        await surge.open_pages(client)
        cpu_before, own_before = cpu_times(), _process_cpu()
        server_before = children_cpu(server_pid) if server_pid else None
        wall = time.monotonic()
        lag = await surge.run_schedule(client, schedule)
        wall = time.monotonic() - wall
        cpu_after, own_after = cpu_times(), _process_cpu()
        server_after = children_cpu(server_pid) if server_pid else None
    return {
        "planned": schedule_counts(schedule),
        "samples": surge.samples,
        "accepted_reports": surge.accepted_reports,
        "wall_s": wall,
        "worst_lag_ms": lag * 1000,
        "idle": idle_share(cpu_before, cpu_after),
        "generator_cpu_s": own_after - own_before,
        "server_cpu_s": None if server_before is None else server_after - server_before,
    }


def run_surge(
    base: str, people: dict, config: SurgeConfig, *, run: str, server_pid: int | None = None
) -> dict[str, Any]:
    """Run the surge against ``base`` (127.0.0.1 only) with the people of
    ``bench.world.surge.surge_people``; the raw figures (``finish`` turns them into results)."""
    host = urllib.parse.urlsplit(base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"The surge runs only against this machine, not {host!r}")
    return asyncio.run(_surge(base, people, config, run, server_pid))


def finish(raw: dict[str, Any], stored_tags: list[str], counts: dict[str, Any]) -> dict[str, Any]:
    """The surge's results: per kind, the CPU left, the report accounting and the verdicts."""
    summary = summarise(raw["samples"])
    accounting = report_accounting(raw["accepted_reports"], stored_tags)
    cores = _cores()
    wall = raw["wall_s"] or 1.0
    errors = [s for s in raw["samples"] if s["error"]][:10]
    return {
        "kinds": summary,
        "planned": raw["planned"],
        "wall_s": raw["wall_s"],
        "worst_lag_ms": raw["worst_lag_ms"],
        "idle": raw["idle"],
        "generator_cpu_s": raw["generator_cpu_s"],
        "generator_cpu_share": raw["generator_cpu_s"] / (wall * cores),
        "server_cpu_s": raw["server_cpu_s"],
        "server_cpu_share": None
        if raw["server_cpu_s"] is None
        else raw["server_cpu_s"] / (wall * cores),
        "worker_cpu_s": raw.get("worker_cpu_s"),
        "worker_cpu_share": None
        if raw.get("worker_cpu_s") is None
        else raw["worker_cpu_s"] / (wall * cores),
        "emails_received": raw.get("emails_received"),
        "reports": accounting,
        "written": counts,
        "verdict": verdict(summary, accounting),
        "first_errors": errors,
    }


def _cores() -> int:
    import os

    return os.cpu_count() or 1


def dumps(value: Any) -> str:
    return json.dumps(value, default=str)
