"""SCB's own table of registered population, as Statistikdatabasen (PxWeb) exports it.

Table "Folkmängd efter region och år" (BE0101): saved as CSV it is comma or semicolon
separated, may begin with a title line, and has a header such as ``"region","2024"``,
``"region","2023","2024"`` or ``"region","ålder","kön","2024"``; each row names a region by
its code and name (``"0114 Upplands Väsby",48275``). A municipality's code is the region's
four leading digits; the figure is the population on 31 December of the year column. Rows of
the whole country or a county (``00 Riket``, ``01 Stockholms län``) are not municipalities and
are left out; with age or sex columns only the totals are read.
"""

import csv
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import PopulationFigure


@dataclass(frozen=True)
class PopulationRow:
    """One population figure read from a file (the portal's CSV or SCB's table)."""

    line: int
    municipality_code: str
    reference_date: datetime.date
    inhabitants: int
    source: str
    kind: str = PopulationFigure.Kind.SCB


SOURCE = "SCB, Statistikdatabasen: Folkmängd 31 december %(year)s"
YEAR = re.compile(r"^(?:år\s+)?(\d{4})$")
MUNICIPALITY = re.compile(r"^(\d{4})(?:\s+(.*))?$")
COUNTRY_OR_COUNTY = re.compile(r"^\d{2}(?:\s+.*)?$")
TOTALS = ("totalt", "total", "samtliga", "män och kvinnor", "båda könen")
# A title line may come first (PxWeb writes the table's name above the header).
HEADER_SEARCH_LINES = 5


@dataclass(frozen=True)
class Table:
    header_index: int  # index of the header in the file's lines
    delimiter: str
    # Columns: (index, year) of each year column; the indexes of the other dimensions.
    years: tuple[tuple[int, int], ...]
    dimensions: tuple[int, ...]


def _cells(line: str, delimiter: str) -> list[str]:
    return [
        cell.strip().strip('"').strip()
        for cell in next(csv.reader([line], delimiter=delimiter), [])
    ]


def detect(lines: list[str]) -> Table | None:
    """The table's layout if the file is SCB's table, else None (the portal's own format)."""
    candidates = [(i, line) for i, line in enumerate(lines) if line.strip()][:HEADER_SEARCH_LINES]
    for index, line in candidates:
        for delimiter in (";", ",", "\t"):
            cells = _cells(line, delimiter)
            if len(cells) < 2 or cells[0].lower() != "region":
                continue
            years = []
            dimensions = []
            for column, cell in enumerate(cells[1:], start=1):
                match = YEAR.match(cell.lower())
                if match:
                    years.append((column, int(match.group(1))))
                else:
                    dimensions.append(column)
            if years:
                return Table(index, delimiter, tuple(years), tuple(dimensions))
    return None


def count(text: str) -> int | None:
    """A positive whole number written with or without thousands spaces, else None."""
    digits = text.replace(" ", "").replace("\u00a0", "")
    return int(digits) if digits.isdigit() and int(digits) > 0 else None


def _is_total(value: str) -> bool:
    return value.strip().lower().startswith(TOTALS)


def parse(lines: list[str], table: Table):
    """The figures of every municipality and year column, all checked; one message per row
    that cannot be read (with its line number in the file)."""

    rows: list[PopulationRow] = []
    errors: list[str] = []
    seen: dict[tuple[str, int], int] = {}
    width = 1 + len(table.dimensions) + len(table.years)
    for index in range(table.header_index + 1, len(lines)):
        line_number = index + 1
        line = lines[index]
        if not line.strip():
            continue
        cells = _cells(line, table.delimiter)
        if len(cells) < width:
            if len(cells) == 1:  # a footnote under the table (PxWeb writes them as one cell)
                continue
            errors.append(
                _("Line %(line)s: expected %(width)s columns, found %(count)s.")
                % {"line": line_number, "width": width, "count": len(cells)}
            )
            continue
        region = cells[0]
        if COUNTRY_OR_COUNTY.match(region):
            continue
        match = MUNICIPALITY.match(region)
        if not match:
            errors.append(
                _(
                    "Line %(line)s: the region %(region)r does not start with a four-digit "
                    "municipality code."
                )
                % {"line": line_number, "region": region}
            )
            continue
        if not all(_is_total(cells[column]) for column in table.dimensions):
            continue  # a row per age or sex: the total row carries the figure
        code = match.group(1)
        for column, year in table.years:
            inhabitants = count(cells[column])
            if inhabitants is None:
                errors.append(
                    _(
                        "Line %(line)s: %(region)s has no population for %(year)s "
                        "(%(value)r is not a positive whole number)."
                    )
                    % {"line": line_number, "region": region, "year": year, "value": cells[column]}
                )
                continue
            key = (code, year)
            if key in seen:
                errors.append(
                    _("Line %(line)s: %(code)s for %(year)s is already given on line %(first)s.")
                    % {"line": line_number, "code": code, "year": year, "first": seen[key]}
                )
                continue
            seen[key] = line_number
            rows.append(
                PopulationRow(
                    line_number,
                    code,
                    datetime.date(year, 12, 31),
                    inhabitants,
                    SOURCE % {"year": year},
                    PopulationFigure.Kind.SCB,
                )
            )
    if not rows and not errors:
        errors.append(_("The table has no municipality's total population."))
    return rows, errors
