"""Numbers from a query string: anything but a plain, bounded number counts as absent."""

import pytest

from core.params import int_param, year_param


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        ("0042", 42),
        (None, None),
        ("", None),
        ("-1", None),
        (" 7", None),
        ("1.5", None),
        ("²", None),  # "²".isdigit() is True, int("²") raises
        ("١٢", None),  # int() would read 12 from Arabic-Indic digits
        ("9" * 19, None),
        ("abc", None),
    ],
)
def test_int_param_takes_only_plain_ascii_numbers(value, expected):
    assert int_param(value) == expected


def test_int_param_bounds():
    assert int_param("5", minimum=1, maximum=5) == 5
    assert int_param("6", minimum=1, maximum=5) is None
    assert int_param("0", minimum=1) is None


def test_year_param_accepts_the_portals_years_only():
    assert year_param("2026") == 2026
    assert [year_param(v) for v in ("0", "1999", "2101", "2147483648")] == [None] * 4
