"""Numbers read from a query string, which anyone can write.

``str.isdigit()`` is no guard: it accepts "²", which ``int()`` refuses (a 500), and an
unbounded number overflows a date or a database integer (another 500). A parameter that is not
a plain, bounded number is treated as absent, and the page decides what absent means.
"""

import re

_DIGITS = re.compile(r"[0-9]{1,18}")  # ASCII digits only; 18 always fit a 64-bit integer

# The years the portal's pages and commands accept (budget years, the register, the roster).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def int_param(value: str | None, *, minimum: int = 0, maximum: int = 2**63 - 1) -> int | None:
    """``value`` as an int if it is plain ASCII digits within ``minimum``..``maximum``;
    otherwise None."""
    if value is None or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def year_param(value: str | None) -> int | None:
    """A year from a query parameter, or None if it is not one the portal knows."""
    return int_param(value, minimum=FIRST_YEAR, maximum=LAST_YEAR)
