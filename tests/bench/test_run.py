"""The bench's options: which steps run, and the scales whose query counts are compared."""

from bench.run import parse_args, wanted


def test_everything_not_skipped_runs_by_default():
    args = parse_args([])
    assert args.query_scales == [1.0, 4.0, 10.0]
    assert (args.surge_seconds, args.surge_members, args.surge_reporters) == (180.0, 500, 37)
    assert args.surge_ackers == 200
    assert all(wanted(step, args) for step in ("surge", "large", "fanout", "invoicing"))
    assert not wanted("surge", parse_args(["--skip", "surge"]))


def test_only_runs_what_it_names():
    args = parse_args(["--only", "surge", "--surge-seconds", "30"])
    assert wanted("surge", args) and args.surge_seconds == 30
    assert not any(wanted(step, args) for step in ("large", "fanout", "invoicing"))
    pages = parse_args(["--only", "floor", "fragment"])
    assert not wanted("surge", pages)
