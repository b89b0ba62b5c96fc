"""Population figures: provenance (SCB, republished, demo) and SCB's own table format."""

import datetime
import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from actors.models import PopulationFigure
from actors.services import population_csv_parse, population_file_text
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data"
UTF8_TABLE = DATA / "scb_folkmangd_2024_utf8.csv"
CP1252_TABLE = DATA / "scb_folkmangd_2023_2024_cp1252.csv"
SHIPPED = Path(__file__).resolve().parents[2] / "actors" / "data" / "population_scb.csv"
D = datetime.date


def parse_file(path: Path):
    return population_csv_parse(population_file_text(path.read_bytes()).splitlines())


# --- Provenance -----------------------------------------------------------------------------


def test_the_shipped_figures_have_swedish_sources_and_their_provenance():
    rows, errors = parse_file(SHIPPED)
    assert errors == []
    by_code = {row.municipality_code: row for row in rows}
    sigtuna = by_code["0191"]
    assert sigtuna.source == "SCB:s siffra för kvartal 4 2024, återgiven av Wikipedia"
    assert sigtuna.kind == PopulationFigure.Kind.REPUBLISHED
    assert by_code["0127"].kind == PopulationFigure.Kind.SCB
    assert by_code["0181"].kind == by_code["0114"].kind == PopulationFigure.Kind.REPUBLISHED
    english = ("figure", "cited", "published by", "reported by")
    assert not [row.source for row in rows if any(word in row.source for word in english)]


def test_load_ssr_defaults_records_the_provenance():
    call_command("load_ssr_defaults", stdout=StringIO())
    kinds = dict(
        PopulationFigure.objects.values_list("actor__municipality_code", "kind").order_by()
    )
    assert kinds["0127"] == "scb" and kinds["0191"] == "republished"


def test_the_migration_marks_demo_figures_and_rewrites_the_english_source():
    migration = importlib.import_module("actors.migrations.0011_population_provenance")
    demo = MunicipalityFactory().population_figures.create(
        reference_date=D(2024, 12, 31), inhabitants=40000, source="demo – ej SCB"
    )
    cited = MunicipalityFactory().population_figures.create(
        reference_date=D(2024, 12, 31),
        inhabitants=52767,
        source="SCB figure for Q4 2024 as cited by Wikipedia",
    )
    official = MunicipalityFactory().population_figures.create(
        reference_date=D(2024, 12, 31), inhabitants=95905, source="SCB: Folkmängd 2024"
    )
    migration.provenance(apps, None)
    for figure in (demo, cited, official):
        figure.refresh_from_db()
    assert demo.kind == "demo"
    assert (cited.kind, cited.source) == (
        "republished",
        "SCB:s siffra för kvartal 4 2024, återgiven av Wikipedia",
    )
    assert official.kind == "scb"


def test_the_demo_command_marks_its_figures_demo(settings):
    settings.DEBUG = True
    call_command("load_ssr_defaults", stdout=StringIO())
    PopulationFigure.objects.all().delete()
    call_command("create_demo_users", stdout=StringIO())
    figures = PopulationFigure.objects.filter(source__icontains="demo")
    assert figures.exists()
    assert set(figures.values_list("kind", flat=True)) == {"demo"}


def test_the_actor_page_shows_the_provenance(secretariat):
    actor = MunicipalityFactory()
    actor.population_figures.create(
        reference_date=D(2024, 12, 31), inhabitants=40000, source="demo", kind="demo"
    )
    page = secretariat.get(actor.get_absolute_url()).content.decode()
    assert "Ursprung" in page and "Demodata (inte verkliga)" in page


# --- SCB's own table (Statistikdatabasen) -----------------------------------------------------


def test_scb_table_utf8_with_bom_and_commas():
    rows, errors = parse_file(UTF8_TABLE)
    assert errors == []
    # The country and the county are not municipalities; the footnote is not a row.
    assert [(r.municipality_code, r.reference_date, r.inhabitants) for r in rows] == [
        ("0114", D(2024, 12, 31), 48275),
        ("0191", D(2024, 12, 31), 52767),
    ]
    assert rows[0].source == "SCB, Statistikdatabasen: Folkmängd 31 december 2024"
    assert rows[0].kind == PopulationFigure.Kind.SCB
    assert rows[0].line == 6  # the line in the file, for messages


def test_scb_table_windows_1252_semicolons_two_years_and_totals_only():
    data = CP1252_TABLE.read_bytes()
    assert "Södertälje".encode("cp1252") in data  # the sample really is Windows-1252
    rows, errors = parse_file(CP1252_TABLE)
    assert errors == []
    assert sorted((r.municipality_code, r.reference_date.year, r.inhabitants) for r in rows) == [
        ("0181", 2023, 101000),
        ("0181", 2024, 102911),
        ("0186", 2023, 48100),
        ("0186", 2024, 48377),
    ]
    assert {r.source for r in rows} == {
        "SCB, Statistikdatabasen: Folkmängd 31 december 2023",
        "SCB, Statistikdatabasen: Folkmängd 31 december 2024",
    }


def test_scb_table_rows_that_cannot_be_read_are_each_reported():
    text = (
        '"region";"2024"\n'
        '"0114 Upplands Väsby";48275\n'
        '"Uppsala";230000\n'
        '"0191 Sigtuna";".."\n'
        '"0114 Upplands Väsby";48276\n'
        '"0186 Lidingö"\n'
    )
    rows, errors = population_csv_parse(text.splitlines())
    assert [error.split(":")[0] for error in errors] == ["Rad 3", "Rad 4", "Rad 5"]
    assert "'Uppsala'" in errors[0] and "fyrsiffrig" in errors[0]
    assert "'..'" in errors[1]
    assert "rad 2" in errors[2]
    assert len(rows) == 1


def test_a_table_with_only_age_groups_has_no_total():
    text = '"region","ålder","2024"\n"0114 Upplands Väsby","0 år",500\n'
    rows, errors = population_csv_parse(text.splitlines())
    assert rows == [] and len(errors) == 1


def test_import_population_command_reads_scb_windows_1252_table():
    sodertalje = MunicipalityFactory(municipality_code="0181")
    lidingo = MunicipalityFactory(municipality_code="0186")
    out = StringIO()
    call_command("import_population", str(CP1252_TABLE), stdout=out, stderr=StringIO())
    assert "4 new" in out.getvalue()
    figure = PopulationFigure.objects.get(actor=sodertalje, reference_date=D(2024, 12, 31))
    assert (figure.inhabitants, figure.kind) == (102911, "scb")
    assert figure.source == "SCB, Statistikdatabasen: Folkmängd 31 december 2024"
    assert lidingo.population_figures.count() == 2


def test_import_population_scb_table_is_all_or_nothing():
    MunicipalityFactory(municipality_code="0114")  # Sigtuna (0191) is not in the registry
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_population", str(UTF8_TABLE), stdout=StringIO(), stderr=StringIO())
    assert PopulationFigure.objects.count() == 0


def test_import_population_command_refuses_a_binary_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xff\xfe\x00r\x00e\x00g")
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_population", str(path), stdout=StringIO(), stderr=StringIO())


def test_population_import_page_checks_an_scb_table_and_shows_the_provenance(secretariat):
    MunicipalityFactory(municipality_code="0114")
    MunicipalityFactory(municipality_code="0191")
    url = reverse("actors:population_import")
    upload = SimpleUploadedFile("BE0101.csv", UTF8_TABLE.read_bytes(), "text/csv")
    checked = secretariat.post(url, {"file": upload, "dry_run": "on"})
    page = checked.content.decode()
    assert checked.status_code == 200
    assert "Filen är korrekt" in page
    assert "SCB, Statistikdatabasen: Folkmängd 31 december 2024" in page
    assert "SCB (officiell)" in page
    assert PopulationFigure.objects.count() == 0
    upload = SimpleUploadedFile("BE0101.csv", CP1252_TABLE.read_bytes(), "text/csv")
    MunicipalityFactory(municipality_code="0181")
    MunicipalityFactory(municipality_code="0186")
    imported = secretariat.post(url, {"file": upload})
    assert imported.status_code == 302
    assert PopulationFigure.objects.filter(kind="scb").count() == 4
