"""The crisis surge's pure parts: its schedule, percentiles, CPU arithmetic, report accounting
and the form a browser would send (no load, no timing)."""

import pytest

from bench.surge import (
    ACKNOWLEDGE,
    POLL,
    PUBLISH,
    REPORT_SUBMIT,
    SurgeConfig,
    build_schedule,
    form_fields,
    idle_share,
    percentile,
    report_accounting,
    run_surge,
    schedule_counts,
    summarise,
    verdict,
)


def test_the_issue_surge_plans_every_action_of_three_minutes():
    counts = schedule_counts(build_schedule(SurgeConfig()))
    assert counts == {
        POLL: 500 * 18,  # every 10 s for 180 s
        REPORT_SUBMIT: 37 * 3,  # every minute
        PUBLISH: 2,  # at 5 s and 125 s
        ACKNOWLEDGE: 200,
    }


def test_the_schedule_is_sorted_bounded_and_the_same_for_a_seed():
    config = SurgeConfig(seconds=30, members=50, reporters=5, ackers=20)
    schedule = build_schedule(config)
    assert schedule == sorted(schedule)
    assert all(0 <= item.at < 30 for item in schedule)
    assert schedule == build_schedule(config)
    assert schedule != build_schedule(SurgeConfig(seconds=30, members=50, reporters=5, seed=1))


def test_each_member_polls_at_the_poll_interval_from_a_phase_of_its_own():
    schedule = build_schedule(SurgeConfig(seconds=60, members=10, reporters=0, ackers=0))
    polls = {}
    for item in schedule:
        if item.kind == POLL:
            polls.setdefault(item.who, []).append(item.at)
    assert len(polls) == 10
    for times in polls.values():
        assert len(times) == 6
        assert all(b - a == pytest.approx(10) for a, b in zip(times, times[1:], strict=False))
    phases = sorted(times[0] for times in polls.values())
    assert len(set(phases)) == 10 and phases[-1] < 10


def test_acknowledgements_fall_in_the_first_minute_even_of_a_short_surge():
    schedule = build_schedule(SurgeConfig(seconds=20, members=0, reporters=0, ackers=200))
    acks = [item for item in schedule if item.kind == ACKNOWLEDGE]
    assert len(acks) == 200 and {item.who for item in acks} == set(range(200))
    assert all(item.at < 20 for item in acks)
    long = build_schedule(SurgeConfig(seconds=180, members=0, reporters=0, ackers=200))
    assert all(item.at < 60 for item in long if item.kind == ACKNOWLEDGE)


def test_percentiles_by_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None


def test_summary_per_kind_counts_errors_and_answers():
    samples = [
        {"kind": POLL, "ms": float(ms), "status": 204, "error": False} for ms in range(1, 100)
    ]
    samples.append({"kind": POLL, "ms": 500.0, "status": 500, "error": True})
    samples.append({"kind": REPORT_SUBMIT, "ms": 80.0, "status": 302, "error": False})
    summary = summarise(samples)
    assert list(summary) == [POLL, REPORT_SUBMIT]
    poll = summary[POLL]
    assert (poll["count"], poll["errors"], poll["max_ms"]) == (100, 1, 500.0)
    assert (poll["p50_ms"], poll["p95_ms"], poll["p99_ms"]) == (50.0, 95.0, 99.0)
    assert poll["statuses"] == {"204": 99, "500": 1}
    assert summary[REPORT_SUBMIT]["name"] == "Report submitted by the form"


def test_idle_share_counts_idle_and_iowait_of_the_machine():
    before = [100, 0, 50, 1000, 10, 0, 0, 0, 0, 0]
    after = [400, 0, 150, 1500, 30, 0, 0, 0, 0, 0]  # 300 user, 100 system, 500 idle, 20 iowait
    assert idle_share(before, after) == pytest.approx(520 / 920)
    assert idle_share(before, before) is None


def test_report_accounting_finds_lost_duplicated_and_unanswered_reports():
    accepted = ["[s r0 n1]", "[s r1 n1]", "[s r2 n1]"]
    stored = ["[s r0 n1]", "[s r1 n1]", "[s r1 n1]", "[s r3 n1]"]
    assert report_accounting(accepted, stored) == {
        "accepted": 3,
        "stored": 4,
        "lost": 1,  # r2
        "duplicated": 1,  # r1 twice
        "unanswered": 1,  # r3: stored, but its request failed or timed out
    }
    assert report_accounting(accepted, accepted)["lost"] == 0


def test_the_verdict_needs_every_kind_fast_no_error_and_no_report_lost():
    fast = {POLL: {"p95_ms": 50.0, "errors": 0}, REPORT_SUBMIT: {"p95_ms": 199.0, "errors": 0}}
    fine = {"accepted": 3, "lost": 0, "duplicated": 0}
    assert verdict(fast, fine) == {"p95": True, "errors": True, "reports": True}
    slow = {**fast, PUBLISH: {"p95_ms": 200.0, "errors": 1}}
    assert verdict(slow, {**fine, "lost": 1}) == {"p95": False, "errors": False, "reports": False}
    assert verdict(fast, {"accepted": 0, "lost": 0, "duplicated": 0})["reports"] is False


PAGE = """
<form method="post" action="/konto/logga-ut/" data-logout>
  <input type="hidden" name="csrfmiddlewaretoken" value="header"></form>
<main><form method="post" novalidate>
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="idempotency_key" value="k1">
  <input type="radio" name="impact" value="normal">
  <input type="radio" name="impact" value="severe" checked>
  <input type="radio" name="level" value="a"><input type="radio" name="level" value="b">
  <textarea name="situation">Elavbrott &amp; reservkraft</textarea>
  <select name="sharing_level"><option value="forum">F</option>
    <option value="network" selected>N</option></select>
  <select name="audience"><option value="full">Full</option><option value="short">S</option>
  </select>
  <input type="datetime-local" name="next_report_due" value="">
  <input type="file" name="attachment"><button type="submit">Skicka</button>
</form></main>
<form method="post" action="/i18n/setlang/">
  <input type="hidden" name="csrfmiddlewaretoken" value="lang"></form>
"""


def test_the_form_is_sent_as_the_member_s_browser_sends_it():
    assert form_fields(PAGE, "/handelser/1/rapport/") == {
        "csrfmiddlewaretoken": "tok",
        "idempotency_key": "k1",
        "impact": "severe",
        "level": "a",  # none checked: the member picks the first choice
        "situation": "Elavbrott & reservkraft",
        "sharing_level": "network",
        "audience": "full",  # none selected: the first option
        "next_report_due": "",
    }
    assert form_fields(PAGE.replace('<form method="post" novalidate>', ""), "/x/") == {}


def test_the_surge_refuses_any_host_but_this_machine():
    with pytest.raises(ValueError, match="only against this machine"):
        run_surge("http://example.org:8000", {}, SurgeConfig(), run="x")
