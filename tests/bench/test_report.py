"""The bench report: goals checked against the measured figures, the tables, BENCHMARKS.md."""

import pytest

from bench.report import LATEST_END, LATEST_START, format_report, goals, replace_latest


def results(**changes):
    data = {
        "date": "2026-11-22 07:00 UTC",
        "machine": {"cpu": "Test CPU", "cores": "2", "load_before": "1.00 0.50 0.25"},
        "settings": {"scale": 1.0, "connections": 20, "duration": 15},
        "http": [
            {
                "key": "floor",
                "name": "Minimal view (floor)",
                "path": "/bench/golv/",
                "rps": 1000.0,
                "p50_ms": 10.0,
                "p95_ms": 20.0,
                "p99_ms": 30.0,
                "requests": 15000,
                "errors": 0,
                "queries": {"1": 0, "4": 0},
            },
            {
                "key": "picture",
                "name": "Situation picture page",
                "path": "/handelser/1/lagesbild/",
                "rps": 100.0,
                "p50_ms": 150.0,
                "p95_ms": 250.0,
                "p99_ms": 300.0,
                "requests": 1500,
                "errors": 0,
                "queries": {"1": 17, "4": 17},
            },
            {
                "key": "fragment",
                "name": "Live fragment, new version",
                "path": "/handelser/1/lagesbild/live/",
                "rps": 600.0,
                "p50_ms": 30.0,
                "p95_ms": 80.0,
                "p99_ms": 120.0,
                "requests": 9000,
                "errors": 0,
                "queries": {"1": 12, "4": 13},
            },
        ],
        "invoicing": {
            "actors": 1000,
            "runs": [
                {"workers": 1, "end_to_end_s": 95.0, "documents_s": 90.0},
                {"workers": 2, "end_to_end_s": 55.5, "documents_s": 50.0},
            ],
            "pdf": {"samples": 20, "portal_ms": 60.0, "bare_ms": 50.0, "ratio": 1.2},
            "peppol": {"invoices": 1000, "total_s": 2.0, "per_invoice_ms": 2.0},
        },
        "fanout": {
            "recipients": 2000,
            "runs": [
                {
                    "workers": 1,
                    "rows": 4000,
                    "written_s": 1.2,
                    "delivered_s": 40.0,
                    "smtp_received": 2000,
                },
                {
                    "workers": 2,
                    "rows": 4000,
                    "written_s": 2.5,
                    "delivered_s": 25.0,
                    "smtp_received": 2000,
                },
            ],
        },
    }
    data.update(changes)
    return data


def test_goals_report_the_measured_figure_and_whether_it_was_met():
    found = goals(results())
    by_text = {goal.text: goal for goal in found}
    throughput = by_text["Live fragment ≥ 50 % of the minimal view's throughput"]
    assert (throughput.measured, throughput.met) == ("60 %", True)
    latency = by_text["Live fragment p95 < 100 ms with 20 concurrent clients"]
    assert (latency.measured, latency.met) == ("80.0 ms", True)
    page = by_text["Situation picture page: same number of queries at scales 1 and 4"]
    assert (page.measured, page.met) == ("17 and 17", True)
    fragment = by_text["Live fragment: same number of queries at scales 1 and 4"]
    assert (fragment.measured, fragment.met) == ("12 and 13", False)
    run = by_text["Invoice run for 1000 actors with PDFs and XML < 60 s with 2 worker processes"]
    assert (run.measured, run.met) == ("55.5 s", True)
    pdf = by_text["A PDF costs ≤ 1.3 × a bare WeasyPrint render of the same HTML"]
    assert (pdf.measured, pdf.met) == ("1.20 ×", True)
    written = by_text["Fan-out to 2000 recipients: rows written < 2 s"]
    assert (written.measured, written.met) == ("2.50 s (slowest run)", False)
    delivered = by_text["Fan-out: all delivered to the local SMTP server < 30 s"]
    assert (delivered.measured, delivered.met) == ("40.0 s (slowest run)", False)


def test_a_delivery_that_lost_messages_misses_the_goal_however_fast():
    data = results()
    for run in data["fanout"]["runs"]:
        run["delivered_s"] = 5.0
    data["fanout"]["runs"][1]["smtp_received"] = 1999
    delivered = next(g for g in goals(data) if g.text.startswith("Fan-out: all delivered"))
    assert delivered.met is False


def test_goals_not_measured_say_so():
    found = goals({"settings": {"connections": 20}})
    assert all(goal.met is None and goal.measured == "–" for goal in found)
    assert len(found) == 23


def test_each_page_is_held_to_its_share_of_the_logged_in_floor():
    data = results()
    data["http"].append({**data["http"][0], "key": "floor_anonymous", "rps": 1500.0})
    by_text = {goal.text: goal for goal in goals(data)}
    floor = by_text["Logged-in floor ≥ 60 % of the anonymous one"]
    assert (floor.measured, floor.met) == ("67 %", True)
    fragment = by_text["Live fragment, new version ≥ 90 % of the logged-in floor"]
    assert (fragment.measured, fragment.met) == ("60 %", False)
    picture = by_text["Situation picture page ≥ 50 % of the logged-in floor"]
    assert (picture.measured, picture.met) == ("10 %", False)
    assert by_text["Start page ≥ 50 % of the logged-in floor"].met is None  # not loaded


def test_the_invoice_run_is_held_to_its_floor_with_one_and_two_processes():
    data = results()
    data["invoicing"]["runs"][0]["per_invoice_ms"] = 60.0  # 1.2 × the bare 50 ms
    data["invoicing"]["runs"][1]["per_invoice_ms"] = 70.0  # 1.4 ×
    data["invoicing"]["runs"][1]["rss_mib"] = {"main": 80.4, "pool": [120.2, 131.0]}
    data["invoicing"]["runs"][1].update(emails_s=61.2, by_email=0)  # all as e-invoices
    by_text = {goal.text: goal for goal in goals(data)}
    text = (
        "Invoice run with {} ≤ 1.25 × its floor (a bare WeasyPrint render per invoice ÷ processes)"
    )
    one = by_text[text.format("1 worker process")]
    two = by_text[text.format("2 worker processes")]
    assert (one.measured, one.met) == ("1.20 ×", True)
    assert (two.measured, two.met) == ("1.40 ×", False)
    report = format_report(data)
    assert "| 1.40 |" in report and "| 80; 120, 131 |" in report
    # The delivery column says how many of the invoices went by e-mail (here none).
    assert "delivered s (of which by e-mail)" in report and "| 61.20 (0) |" in report


def test_the_report_gives_every_page_its_ratio_to_the_floor():
    text = format_report(results())
    assert "| Minimal view (floor) | `/bench/golv/` | 1000 | 1.00 | 10.0 | 20.0 | 30.0 |" in text
    assert "| Live fragment, new version | `/handelser/1/lagesbild/live/` | 600 | 0.60 |" in text
    assert "| Situation picture page | `/handelser/1/lagesbild/` | 100 | 0.10 |" in text
    assert "| 17 / 17 |" in text
    assert "Load average (uptime) before: 1.00 0.50 0.25" in text
    assert "**missed**" in text and "| met |" in text
    assert "| 2 | – | – | 50.00 | 55.50 |" in text
    assert "**1.20 ×**" in text
    assert "| 2 | 4000 | 2.50 |" in text


def test_a_scale_not_measured_shows_a_dash():
    data = results()
    data["http"][1]["queries"] = {"1": 17, "4": None}
    assert "| 17 / – |" in format_report(data)


def test_the_latest_run_replaces_only_what_is_between_the_markers():
    document = f"# Benchmarks\n\nProse.\n\n{LATEST_START}\nold table\n{LATEST_END}\n\nMore prose.\n"
    updated = replace_latest(document, "new table\n")
    assert "old table" not in updated
    assert updated.startswith("# Benchmarks\n\nProse.\n\n")
    assert f"{LATEST_START}\n\nnew table\n\n{LATEST_END}\n\nMore prose.\n" in updated
    assert replace_latest(updated, "newer\n").count(LATEST_START) == 1


def test_a_document_without_markers_is_refused():
    with pytest.raises(ValueError):
        replace_latest("# Benchmarks\n", "table")


def test_query_counts_are_compared_at_every_scale_asked_for():
    data = results(query_scales=["1", "4", "10"], seed={"scale_s": 9.0, "scale10_s": 55.5})
    data["http"][0]["queries"] = {"1": 4, "4": 4, "10": 4}
    data["http"][1]["queries"] = {"1": 8, "4": 8, "10": 8}
    data["http"][2]["queries"] = {"1": 5, "4": 5, "10": 6}
    by_text = {goal.text: goal for goal in goals(data)}
    page = by_text["Situation picture page: same number of queries at scales 1, 4 and 10"]
    assert (page.measured, page.met) == ("8, 8 and 8", True)
    every = by_text["Every page the bench loads: same number of queries at scales 1, 4 and 10"]
    assert (every.measured, every.met) == ("grows: fragment", False)
    seed = by_text["Seed at scale 10 < 60 s"]
    assert (seed.measured, seed.met) == ("55.5 s", True)
    text = format_report(data)
    assert "| queries (scale 1 / 4 / 10) |" in text
    assert "| 8 / 8 / 8 |" in text and "| 5 / 5 / 6 |" in text
    assert "scale 10 in 55.50 s" in text


def surge(**changes):
    data = {
        "config": {"seconds": 180, "members": 500, "reporters": 37, "ackers": 200},
        "kinds": {
            "poll": {
                "name": "Live fragment poll",
                "count": 9000,
                "p50_ms": 20.0,
                "p95_ms": 60.0,
                "p99_ms": 90.0,
                "max_ms": 150.0,
                "errors": 0,
                "statuses": {"200": 500, "204": 8500},
            },
            "report_submit": {
                "name": "Report submitted by the form",
                "count": 54,
                "p50_ms": 90.0,
                "p95_ms": 210.5,
                "p99_ms": 250.0,
                "max_ms": 260.0,
                "errors": 0,
                "statuses": {"302": 54},
            },
        },
        "reports": {"accepted": 111, "stored": 111, "lost": 0, "duplicated": 0, "unanswered": 0},
        "written": {
            "reports": 111,
            "pictures": 2,
            "acknowledgements": 30,
            "announced": 2,
            "unannounced": 0,
        },
        "emails_received": 410,
        "worker_cpu_s": 7.2,
        "worker_cpu_share": 0.02,
        "idle": 0.42,
        "generator_cpu_s": 36.0,
        "generator_cpu_share": 0.1,
        "server_cpu_s": 150.0,
        "server_cpu_share": 0.42,
        "worst_lag_ms": 3.2,
    }
    data.update(changes)
    return data


def test_the_surge_is_reported_per_request_kind_with_the_cpu_left():
    text = format_report(results(surge=surge()))
    assert "### Crisis surge (180 s)" in text
    assert (
        "| Live fragment poll | 9000 | 20.0 | 60.0 | 90.0 | 150.0 | 0 | 200: 500, 204: 8500 |"
        in (text)
    )
    assert "111 accepted (302 or 201), 111 found in the database; 0 lost" in text
    assert "42 % of the machine idle" in text and "36.00 CPU s (10 % of the machine)" in text
    by_text = {goal.text: goal for goal in goals(results(surge=surge()))}
    p95 = by_text["Crisis surge: p95 < 200 ms for every request kind"]
    assert (p95.measured, p95.met) == ("slowest: Report submitted by the form, 210.5 ms", False)
    assert by_text["Crisis surge: no errors"].met is True
    assert by_text["Crisis surge: no lost reports"].met is True
    assert "2 of 2 pictures" in text and "410 e-mails received" in text
    assert "the Celery worker's processes 7.20 s (2 %)" in text
    assert by_text["Crisis surge: every picture announced"].met is True


def test_a_surge_whose_worker_left_a_picture_unannounced_misses_its_goal():
    written = {"reports": 111, "pictures": 2, "acknowledgements": 30, "announced": 1}
    data = surge(written={**written, "unannounced": 1})
    announced = next(g for g in goals(results(surge=data)) if g.text.endswith("announced"))
    assert announced.met is False
    assert announced.measured == "1 of 2 published; 1 left unannounced"


def test_a_surge_that_lost_or_duplicated_a_report_misses_its_goal():
    for accounting in ({"lost": 1, "duplicated": 0}, {"lost": 0, "duplicated": 1}):
        data = surge()
        data["reports"] = {**data["reports"], **accounting}
        lost = next(g for g in goals(results(surge=data)) if g.text.endswith("lost reports"))
        assert lost.met is False


def test_no_surge_section_when_the_surge_was_not_run():
    assert "Crisis surge (" not in format_report(results())
