"""The results of one ``make bench`` run as a Markdown report, with the issue's goals checked.

Pure functions of the results dictionary that ``bench.run`` gathers, so the formatting and the
goal checks are tested without running a benchmark.
"""

from dataclasses import dataclass
from typing import Any

FLOOR = "floor"
FRAGMENT = "fragment"
PAGE = "picture"


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


def goals(results: dict[str, Any]) -> list[Goal]:
    """The issue's goals, each with the figure measured and whether it was met."""
    rows = _by_key(results)
    floor, fragment = rows.get(FLOOR), rows.get(FRAGMENT)
    found: list[Goal] = []

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
    for key, label in ((PAGE, "Situation picture page"), (FRAGMENT, "Live fragment")):
        row = rows.get(key)
        queries = (row or {}).get("queries", {})
        small, large = queries.get("1"), queries.get("4")
        found.append(
            Goal(
                f"{label}: same number of queries at scale 1 and scale 4",
                "–" if small is None or large is None else f"{small} and {large}",
                None if small is None or large is None else small == large,
            )
        )

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


def _http_table(results: dict[str, Any]) -> list[str]:
    rows = results.get("http", [])
    floor = _by_key(results).get(FLOOR)
    lines = [
        "| page | path | req/s | × floor | p50 ms | p95 ms | p99 ms | requests | errors "
        "| queries (scale 1 / 4) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        queries = row.get("queries", {})
        lines.append(
            f"| {row['name']} | `{row['path']}` | {row['rps']:.0f} "
            f"| {_ratio(ratio_to_floor(row, floor))} | {_ms(row.get('p50_ms'))} "
            f"| {_ms(row.get('p95_ms'))} | {_ms(row.get('p99_ms'))} | {row.get('requests', 0)} "
            f"| {row.get('errors', 0)} | {_count(queries.get('1'))} / {_count(queries.get('4'))} |"
        )
    return lines


def _count(value: int | None) -> str:
    return "–" if value is None else str(value)


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _invoicing(results: dict[str, Any]) -> list[str]:
    invoicing = results.get("invoicing")
    if not invoicing:
        return []
    lines = [
        f"### Invoice run ({invoicing.get('actors')} actors)",
        "",
        "| worker processes | preview s | issue s | PDFs + XML done s | end to end s "
        "| per invoice (wall) ms | e-mails delivered s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in invoicing.get("runs", []):
        lines.append(
            f"| {run['workers']} | {_s(run.get('preview_s'))} | {_s(run.get('issue_s'))} "
            f"| {_s(run.get('documents_s'))} | {_s(run.get('end_to_end_s'))} "
            f"| {_ms(run.get('per_invoice_ms'))} | {_s(run.get('emails_s'))} |"
        )
    pdf = invoicing.get("pdf") or {}
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
        "| received by SMTP |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for run in fanout.get("runs", []):
        lines.append(
            f"| {run['workers']} | {run.get('rows', '–')} | {_s(run.get('written_s'))} "
            f"| {_s(run.get('enqueued_s'))} | {_s(run.get('delivered_s'))} "
            f"| {run.get('smtp_received', '–')} |"
        )
    lines.append("")
    return lines


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
        f"{_s(results.get('seed', {}).get('scale_s'))} s; scale 4 (query counts) in "
        f"{_s(results.get('seed', {}).get('scale4_s'))} s.",
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
