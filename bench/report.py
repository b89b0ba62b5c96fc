"""The results of one ``make bench`` run as a Markdown report, with the issue's goals checked.

Pure functions of the results dictionary that ``bench.run`` gathers, so the formatting and the
goal checks are tested without running a benchmark.
"""

from dataclasses import dataclass
from typing import Any

FLOOR = "floor"
FRAGMENT = "fragment"
PAGE = "picture"
SEED_GOAL_SCALE = "10"
SEED_GOAL_S = 60.0
SURGE_P95_MS = 200.0


def scale_key(scale: float) -> str:
    """How a scale is named in the results and tables: 1, 4, 10, 0.5."""
    return f"{scale:g}"


def _scales(results: dict[str, Any]) -> list[str]:
    return results.get("query_scales") or list(results.get("queries") or {}) or ["1", "4"]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Goal:
    text: str
    measured: str
    met: bool | None  # None: not measured in this run


def _by_key(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in results.get("http", [])}


def ratio_to_floor(row: dict[str, Any], floor: dict[str, Any] | None) -> float | None:
    if not floor or not floor.get("rps"):
        return None
    return row["rps"] / floor["rps"]


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def _verdict(met: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "not measured"}[met]


# The performance issue's goals: (page key, name, least share of the logged-in floor).
FLOOR_SHARES = (
    ("fragment", "Live fragment, new version", 0.9),
    ("poll", "Live fragment, no change", 0.95),
    ("picture", "Situation picture page", 0.5),
    ("forum", "Forum page", 0.5),
    ("directory", "Actor directory", 0.5),
    ("home", "Start page", 0.5),
)
ANONYMOUS_SHARE = 0.6
INVOICE_FLOOR_RATIO = 1.25


def invoice_ratio(run: dict[str, Any], bare_ms: float | None) -> float | None:
    """The invoice run against its floor: a bare WeasyPrint render per invoice, divided among
    the worker processes (``per_invoice_ms`` is already the wall time times the processes)."""
    per_invoice = run.get("per_invoice_ms")
    return per_invoice / bare_ms if per_invoice and bare_ms else None


def floor_goals(results: dict[str, Any]) -> list[Goal]:
    """The logged-in floor against the anonymous one, each page against the logged-in floor,
    and the invoice run against its floor."""
    rows = _by_key(results)
    floor = rows.get(FLOOR)
    anonymous = rows.get("floor_anonymous")
    share = floor["rps"] / anonymous["rps"] if floor and anonymous and anonymous["rps"] else None
    found = [
        Goal(
            f"Logged-in floor ≥ {ANONYMOUS_SHARE:.0%} of the anonymous one".replace("%", " %"),
            _pct(share),
            None if share is None else share >= ANONYMOUS_SHARE,
        )
    ]
    for key, name, least in FLOOR_SHARES:
        row = rows.get(key)
        ratio = ratio_to_floor(row, floor) if row else None
        found.append(
            Goal(
                f"{name} ≥ {least:.0%} of the logged-in floor".replace("%", " %"),
                _pct(ratio),
                None if ratio is None else ratio >= least,
            )
        )
    invoicing = results.get("invoicing") or {}
    bare_ms = (invoicing.get("pdf") or {}).get("bare_ms")
    for workers in (1, 2):
        run = next((r for r in invoicing.get("runs", []) if r["workers"] == workers), {})
        ratio = invoice_ratio(run, bare_ms)
        found.append(
            Goal(
                f"Invoice run with {workers} worker process{'es' if workers > 1 else ''} "
                f"≤ {INVOICE_FLOOR_RATIO} × its floor (a bare WeasyPrint render per invoice ÷ "
                "processes)",
                "–" if ratio is None else f"{ratio:.2f} ×",
                None if ratio is None else ratio <= INVOICE_FLOOR_RATIO,
            )
        )
    return found


def goals(results: dict[str, Any]) -> list[Goal]:
    """The issue's goals, each with the figure measured and whether it was met."""
    rows = _by_key(results)
    floor, fragment = rows.get(FLOOR), rows.get(FRAGMENT)
    found: list[Goal] = floor_goals(results)

    ratio = ratio_to_floor(fragment, floor) if fragment else None
    found.append(
        Goal(
            "Live fragment ≥ 50 % of the minimal view's throughput",
            _pct(ratio),
            None if ratio is None else ratio >= 0.5,
        )
    )
    p95 = fragment.get("p95_ms") if fragment else None
    found.append(
        Goal(
            f"Live fragment p95 < 100 ms with {results.get('settings', {}).get('connections', '?')}"
            " concurrent clients",
            "–" if p95 is None else f"{p95:.1f} ms",
            None if p95 is None else p95 < 100,
        )
    )
    scales = _scales(results)
    for key, label in ((PAGE, "Situation picture page"), (FRAGMENT, "Live fragment")):
        row = rows.get(key)
        queries = (row or {}).get("queries", {})
        counts = [queries.get(scale) for scale in scales]
        complete = None not in counts and len(counts) > 1
        found.append(
            Goal(
                f"{label}: same number of queries at scales {_and(scales)}",
                _and([str(c) for c in counts]) if complete else "–",
                len(set(counts)) == 1 if complete else None,
            )
        )
    measured = [row for row in rows.values() if row.get("queries")]
    complete_rows = [
        row for row in measured if all(row["queries"].get(s) is not None for s in scales)
    ]
    growing = [row["key"] for row in complete_rows if len(set(row["queries"].values())) > 1]
    all_complete = bool(measured) and len(complete_rows) == len(measured) and len(scales) > 1
    found.append(
        Goal(
            f"Every page the bench loads: same number of queries at scales {_and(scales)}",
            (
                "–"
                if not all_complete
                else "all equal"
                if not growing
                else "grows: " + ", ".join(growing)
            ),
            (not growing) if all_complete else None,
        )
    )
    seed_s = (results.get("seed") or {}).get(f"scale{SEED_GOAL_SCALE}_s")
    found.append(
        Goal(
            f"Seed at scale {SEED_GOAL_SCALE} < {SEED_GOAL_S:.0f} s",
            "–" if seed_s is None else f"{seed_s:.1f} s",
            None if seed_s is None else seed_s < SEED_GOAL_S,
        )
    )
    found += surge_goals(results.get("surge"))

    invoicing = results.get("invoicing") or {}
    two = next((r for r in invoicing.get("runs", []) if r["workers"] == 2), None)
    end_to_end = two.get("end_to_end_s") if two else None
    found.append(
        Goal(
            f"Invoice run for {invoicing.get('actors', 1000)} actors with PDFs and XML < 60 s "
            "with 2 worker processes",
            "–" if end_to_end is None else f"{end_to_end:.1f} s",
            None if end_to_end is None else end_to_end < 60,
        )
    )
    pdf_ratio = (invoicing.get("pdf") or {}).get("ratio")
    found.append(
        Goal(
            "A PDF costs ≤ 1.3 × a bare WeasyPrint render of the same HTML",
            "–" if pdf_ratio is None else f"{pdf_ratio:.2f} ×",
            None if pdf_ratio is None else pdf_ratio <= 1.3,
        )
    )

    fanout = results.get("fanout") or {}
    runs = fanout.get("runs", [])
    written = max((r["written_s"] for r in runs), default=None)
    found.append(
        Goal(
            f"Fan-out to {fanout.get('recipients', 2000)} recipients: rows written < 2 s",
            "–" if written is None else f"{written:.2f} s (slowest run)",
            None if written is None else written < 2,
        )
    )
    delivered = [r for r in runs if r.get("delivered_s") is not None]
    complete = all(r.get("smtp_received") == fanout.get("recipients") for r in delivered)
    slowest = max((r["delivered_s"] for r in delivered), default=None)
    found.append(
        Goal(
            "Fan-out: all delivered to the local SMTP server < 30 s",
            "–" if slowest is None else f"{slowest:.1f} s (slowest run)",
            None if slowest is None else slowest < 30 and complete,
        )
    )
    return found


def surge_goals(surge: dict[str, Any] | None) -> list[Goal]:
    """The crisis surge's goals: p95 of every kind, errors, lost reports, and every picture
    announced by the worker."""
    if not surge or not surge.get("kinds"):
        return [
            Goal(f"Crisis surge: p95 < {SURGE_P95_MS:.0f} ms for every request kind", "–", None),
            Goal("Crisis surge: no errors", "–", None),
            Goal("Crisis surge: no lost reports", "–", None),
            Goal("Crisis surge: every picture announced", "–", None),
        ]
    kinds = surge["kinds"].values()
    slowest = max(kinds, key=lambda k: k.get("p95_ms") or 0)
    errors = sum(k.get("errors", 0) for k in kinds)
    reports = surge.get("reports") or {}
    lost, duplicated = reports.get("lost"), reports.get("duplicated")
    return [
        Goal(
            f"Crisis surge: p95 < {SURGE_P95_MS:.0f} ms for every request kind",
            f"slowest: {slowest['name']}, {_ms(slowest.get('p95_ms'))} ms",
            all((k.get("p95_ms") or 0) < SURGE_P95_MS for k in kinds),
        ),
        Goal(
            "Crisis surge: no errors",
            f"{errors} of {sum(k.get('count', 0) for k in kinds)} requests",
            errors == 0,
        ),
        Goal(
            "Crisis surge: no lost reports",
            f"{reports.get('stored', '–')} stored of {reports.get('accepted', '–')} accepted; "
            f"{_count(lost)} lost, {_count(duplicated)} duplicated",
            None if lost is None else lost == 0 and duplicated == 0 and reports["accepted"] > 0,
        ),
        _announced_goal(surge.get("written") or {}),
    ]


def _announced_goal(written: dict[str, Any]) -> Goal:
    announced, pictures = written.get("announced"), written.get("pictures")
    return Goal(
        "Crisis surge: every picture announced",
        f"{_count(announced)} of {_count(pictures)} published; "
        f"{_count(written.get('unannounced'))} left unannounced",
        None
        if announced is None
        else announced == pictures and pictures > 0 and written.get("unannounced") == 0,
    )


def _http_table(results: dict[str, Any]) -> list[str]:
    rows = results.get("http", [])
    floor = _by_key(results).get(FLOOR)
    scales = _scales(results)
    lines = [
        "| page | path | req/s | × floor | p50 ms | p95 ms | p99 ms | requests | errors "
        f"| queries (scale {' / '.join(scales)}) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        queries = row.get("queries", {})
        counts = " / ".join(_count(queries.get(scale)) for scale in scales)
        lines.append(
            f"| {row['name']} | `{row['path']}` | {row['rps']:.0f} "
            f"| {_ratio(ratio_to_floor(row, floor))} | {_ms(row.get('p50_ms'))} "
            f"| {_ms(row.get('p95_ms'))} | {_ms(row.get('p99_ms'))} | {row.get('requests', 0)} "
            f"| {row.get('errors', 0)} | {counts} |"
        )
    return lines


def _surge(results: dict[str, Any]) -> list[str]:
    surge = results.get("surge")
    if not surge:
        return []
    config = surge.get("config") or {}
    lines = [
        f"### Crisis surge ({config.get('seconds', 0):.0f} s)",
        "",
        f"{config.get('members', '?')} members polling the live fragment every "
        f"{config.get('poll_seconds', 10):.0f} s, {config.get('reporters', '?')} actors reporting "
        f"every {config.get('report_every', 60):.0f} s (half by the form, half through the "
        f"API), the RSIB publishing every {config.get('publish_every', 120):.0f} s and "
        f"{config.get('ackers', '?')} acknowledgements in the first "
        f"{config.get('ack_window', 60):.0f} s; each a session of its own. Latency from the "
        "planned moment of each request (open loop).",
        "",
        "| request kind | requests | p50 ms | p95 ms | p99 ms | max ms | errors | answers |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for kind in surge.get("kinds", {}).values():
        answers = ", ".join(f"{status}: {n}" for status, n in kind.get("statuses", {}).items())
        lines.append(
            f"| {kind['name']} | {kind['count']} | {_ms(kind.get('p50_ms'))} "
            f"| {_ms(kind.get('p95_ms'))} | {_ms(kind.get('p99_ms'))} | {_ms(kind.get('max_ms'))} "
            f"| {kind.get('errors', 0)} | {answers} |"
        )
    reports = surge.get("reports") or {}
    written = surge.get("written") or {}
    lines += [
        "",
        f"- Reports: {reports.get('accepted', '–')} accepted (302 or 201), "
        f"{reports.get('stored', '–')} found in the database; {reports.get('lost', '–')} lost, "
        f"{reports.get('duplicated', '–')} duplicated, {reports.get('unanswered', '–')} stored "
        "without an answer.",
        f"- Written during the surge: {written.get('reports', '–')} reports, "
        f"{written.get('pictures', '–')} pictures, {written.get('acknowledgements', '–')} "
        "acknowledgements (one per actor; the other clicks are told it was already done).",
        f"- Announced by the Celery worker after each publication: "
        f"{written.get('announced', '–')} of {written.get('pictures', '–')} pictures "
        f"({written.get('unannounced', '–')} of the incident's pictures left unannounced when "
        f"the run ended); {_count(surge.get('emails_received'))} e-mails received by the local "
        "SMTP server.",
        f"- CPU: {_pct(surge.get('idle'))} of the machine idle during the surge; the load "
        f"generator used {_s(surge.get('generator_cpu_s'))} CPU s "
        f"({_pct(surge.get('generator_cpu_share'))} of the machine), the gunicorn workers "
        f"{_s(surge.get('server_cpu_s'))} s ({_pct(surge.get('server_cpu_share'))}), the Celery "
        f"worker's processes {_s(surge.get('worker_cpu_s'))} s "
        f"({_pct(surge.get('worker_cpu_share'))}). The "
        f"generator lagged its plan by at most {_ms(surge.get('worst_lag_ms'))} ms.",
        "",
    ]
    return lines


def _count(value: int | None) -> str:
    return "–" if value is None else str(value)


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _rss(rss: dict[str, Any] | None) -> str:
    """A worker's resident memory: its main process; each pool process."""
    if not rss:
        return "–"
    return f"{rss['main']:.0f}; " + ", ".join(f"{m:.0f}" for m in rss.get("pool", []))


def _invoicing(results: dict[str, Any]) -> list[str]:
    invoicing = results.get("invoicing")
    if not invoicing:
        return []
    lines = [
        f"### Invoice run ({invoicing.get('actors')} actors)",
        "",
        "| worker processes | preview s | issue s | PDFs + XML done s | end to end s "
        "| per invoice (wall × processes) ms | × floor | delivered s (of which by e-mail) "
        "| worker RSS after, MiB (main; pool) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    pdf = invoicing.get("pdf") or {}
    for run in invoicing.get("runs", []):
        lines.append(
            f"| {run['workers']} | {_s(run.get('preview_s'))} | {_s(run.get('issue_s'))} "
            f"| {_s(run.get('documents_s'))} | {_s(run.get('end_to_end_s'))} "
            f"| {_ms(run.get('per_invoice_ms'))} "
            f"| {_ratio(invoice_ratio(run, pdf.get('bare_ms')))} | {_s(run.get('emails_s'))} "
            f"({run.get('by_email', '–')}) "
            f"| {_rss(run.get('rss_mib'))} |"
        )
    peppol = invoicing.get("peppol") or {}
    lines += [
        "",
        f"- PDF, one invoice in one process (median of {pdf.get('samples', '?')}): "
        f"{_ms(pdf.get('portal_ms'))} ms through the portal's code, "
        f"{_ms(pdf.get('bare_ms'))} ms for bare WeasyPrint on the same HTML: "
        f"**{_ratio(pdf.get('ratio'))} ×**.",
        f"- Peppol UBL XML: {_ms(peppol.get('per_invoice_ms'))} ms per invoice "
        f"({_s(peppol.get('total_s'))} s for {peppol.get('invoices', '?')}).",
        "",
    ]
    return lines


def _fanout(results: dict[str, Any]) -> list[str]:
    fanout = results.get("fanout")
    if not fanout:
        return []
    lines = [
        f"### Notification fan-out ({fanout.get('recipients')} recipients, e-mail and portal)",
        "",
        "| worker processes | rows | rows written s | queued for workers s | e-mails delivered s "
        "| received by SMTP | worker RSS after, MiB (main; pool) |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in fanout.get("runs", []):
        lines.append(
            f"| {run['workers']} | {run.get('rows', '–')} | {_s(run.get('written_s'))} "
            f"| {_s(run.get('enqueued_s'))} | {_s(run.get('delivered_s'))} "
            f"| {run.get('smtp_received', '–')} | {_rss(run.get('rss_mib'))} |"
        )
    lines.append("")
    return lines


def _other_seeds(results: dict[str, Any]) -> str:
    seeds = results.get("seed") or {}
    others = [
        f"scale {scale} in {_s(seeds[f'scale{scale}_s'])} s"
        for scale in _scales(results)
        if f"scale{scale}_s" in seeds
    ]
    return "; for the query counts, " + ", ".join(others) if others else ""


def format_report(results: dict[str, Any]) -> str:
    """The whole report: machine, goals, the HTTP table, the invoice run and the fan-out."""
    machine = results.get("machine", {})
    settings = results.get("settings", {})
    lines = [
        f"## Benchmark run {results.get('date', '?')}",
        "",
        f"- Machine: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
        f"{machine.get('memory', '?')}; {machine.get('os', '?')}; Python "
        f"{machine.get('python', '?')}, PostgreSQL {machine.get('postgresql', '?')}, "
        f"Redis {machine.get('redis', '?')}.",
        f"- Load average (uptime) before: {machine.get('load_before', '?')}; after: "
        f"{machine.get('load_after', '?')}.",
        f"- Dataset: scale {settings.get('scale', '?')} seeded in "
        f"{_s(results.get('seed', {}).get('scale_s'))} s{_other_seeds(results)}.",
        f"- Load: gunicorn {settings.get('gunicorn_workers', '?')} workers, production settings "
        f"(DEBUG off); wrk {settings.get('threads', '?')} threads, "
        f"{settings.get('connections', '?')} connections, {settings.get('duration', '?')} s per "
        f"page after {settings.get('warmup', '?')} s warm-up, at most "
        f"{settings.get('max_requests', '?')} requests per page.",
        "",
        "### Goals",
        "",
        "| goal | measured | verdict |",
        "|---|---|---|",
    ]
    lines += [f"| {g.text} | {g.measured} | {_verdict(g.met)} |" for g in goals(results)]
    lines += ["", "### Pages under load", "", *_http_table(results), ""]
    lines += _surge(results)
    lines += _invoicing(results)
    lines += _fanout(results)
    notes = results.get("notes") or []
    if notes:
        lines += ["### Notes", "", *[f"- {note}" for note in notes], ""]
    return "\n".join(lines).rstrip() + "\n"


LATEST_START = "<!-- latest run: written by make bench -->"
LATEST_END = "<!-- end of latest run -->"


def replace_latest(document: str, report: str) -> str:
    """Put ``report`` between the markers of BENCHMARKS.md, keeping the prose around them."""
    start, end = document.find(LATEST_START), document.find(LATEST_END)
    if start == -1 or end == -1 or end < start:
        raise ValueError("BENCHMARKS.md lacks the latest-run markers.")
    return document[: start + len(LATEST_START)] + "\n\n" + report.strip() + "\n\n" + document[end:]
