import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from actors.models import Actor, ActorFunction, Function, MunicipalCluster, PopulationFigure
from forums.models import Forum, Seat
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

SHARED_POPULATION = Path(__file__).resolve().parents[2] / "actors" / "data" / "population_scb.csv"


def run(*args, **kwargs) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


# --- load_ssr_defaults ----------------------------------------------------------------------


def test_load_ssr_defaults_loads_the_37_parties():
    run("load_ssr_defaults")

    assert Actor.objects.count() == 37
    municipalities = Actor.objects.filter(kind="municipality")
    assert municipalities.count() == 26
    assert municipalities.exclude(municipality_code="").count() == 26
    assert set(MunicipalCluster.objects.values_list("name", flat=True)) == {
        "Norr",
        "Mitt",
        "Syd",
        "Stockholms stad",
    }
    stockholm = Actor.objects.get(municipality_code="0180")
    assert stockholm.cluster.name == "Stockholms stad"
    assert stockholm.org_number == "212000-0142"
    huddinge = Actor.objects.get(municipality_code="0126")
    assert huddinge.rescue_service.name == "Södertörns brandförsvarsförbund"
    assert Actor.objects.get(name="Trafikverket").kind == "transport_administration"
    # The chair organisation that employs the secretariat pays internally; nobody else does.
    assert list(Actor.objects.filter(paid_internally=True).values_list("name", flat=True)) == [
        "Länsstyrelsen i Stockholms län"
    ]
    # Only cited figures are shipped, each with its source.
    assert PopulationFigure.objects.count() == 11
    assert not PopulationFigure.objects.filter(source="").exists()
    assert ActorFunction.objects.filter(actor=huddinge, function__name="Säkerhetschef").exists()


def test_load_ssr_defaults_twice_changes_nothing():
    run("load_ssr_defaults")
    counts = [m.objects.count() for m in (Actor, Function, ActorFunction, PopulationFigure)]
    history = Actor.history.count()

    out, _ = run("load_ssr_defaults")

    assert "nothing to do" in out
    assert [m.objects.count() for m in (Actor, Function, ActorFunction, PopulationFigure)] == counts
    assert Actor.history.count() == history


def test_load_ssr_defaults_never_overwrites_or_restores_what_the_secretariat_changed():
    run("load_ssr_defaults")
    nacka = Actor.objects.get(municipality_code="0182")
    nacka.short_name = "Nacka (redigerad)"
    nacka.org_number = "212000-0167"
    nacka.save()
    hamnar = Actor.objects.get(name="Stockholms hamnar")
    Seat.objects.filter(actor=hamnar).delete()
    hamnar.delete()
    Seat.objects.filter(function__name="Ledningscentral").delete()
    Function.objects.get(name="Ledningscentral").actor_functions.all().delete()
    Function.objects.get(name="Ledningscentral").delete()
    Forum.objects.get(name="Ledningscentralernas samverkan").delete()

    run("load_ssr_defaults")

    nacka.refresh_from_db()
    assert nacka.short_name == "Nacka (redigerad)"
    assert not Actor.objects.filter(name="Stockholms hamnar").exists()
    assert not Function.objects.filter(name="Ledningscentral").exists()
    assert not Forum.objects.filter(name="Ledningscentralernas samverkan").exists()


def test_load_ssr_defaults_dry_run_writes_nothing():
    out, _ = run("load_ssr_defaults", dry_run=True)
    assert "Would create" in out and "37 actors" in out and "4 forums" in out
    assert Actor.objects.count() == 0


# --- import_population ----------------------------------------------------------------------


def write(tmp_path, text: str) -> str:
    path = tmp_path / "population.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_population_imports_good_rows(tmp_path):
    huddinge = MunicipalityFactory(municipality_code="0126")
    path = write(
        tmp_path,
        "municipality_code,reference_date,inhabitants,source\n"
        "0126,2025-12-31,115000,SCB BE0101N1\n",
    )
    out, _ = run("import_population", path)
    figure = PopulationFigure.objects.get(actor=huddinge)
    assert (figure.reference_date, figure.inhabitants, figure.source) == (
        datetime.date(2025, 12, 31),
        115000,
        "SCB BE0101N1",
    )
    assert "1 new" in out


def test_import_population_source_defaults_to_scb_and_reimport_updates(tmp_path):
    MunicipalityFactory(municipality_code="0126")
    run(
        "import_population",
        write(tmp_path, "municipality_code,reference_date,inhabitants\n0126,2025-12-31,1000\n"),
    )
    assert PopulationFigure.objects.get().source == "SCB"
    out, _ = run(
        "import_population",
        write(tmp_path, "municipality_code,reference_date,inhabitants\n0126,2025-12-31,1001\n"),
    )
    assert "1 updated" in out
    assert PopulationFigure.objects.get().inhabitants == 1001


def test_import_population_reports_each_bad_row_and_imports_nothing(tmp_path):
    MunicipalityFactory(municipality_code="0126")
    MunicipalityFactory(municipality_code="0127")
    path = write(
        tmp_path,
        "municipality_code,reference_date,inhabitants,source\n"
        "0126,2025-12-31,1000,SCB\n"
        "126,2025-12-31,1000,SCB\n"
        "0127,31/12/2025,1000,SCB\n"
        "0127,2025-12-31,-5,SCB\n"
        "0126,2025-12-31,2000,SCB\n"
        "0127\n",
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="5 bad row"):
        call_command("import_population", path, stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["Rad 3", "Rad 4", "Rad 5", "Rad 6", "Rad 7"]
    assert "'126'" in lines[0] and "31/12/2025" in lines[1] and "'-5'" in lines[2]
    assert PopulationFigure.objects.count() == 0


def test_import_population_unknown_municipality_imports_nothing(tmp_path):
    MunicipalityFactory(municipality_code="0126")
    path = write(
        tmp_path,
        "municipality_code,reference_date,inhabitants\n0126,2025-12-31,1000\n9999,2025-12-31,5\n",
    )
    with pytest.raises(CommandError):
        run("import_population", path)
    assert PopulationFigure.objects.count() == 0


def test_import_population_rejects_a_wrong_header(tmp_path):
    with pytest.raises(CommandError):
        run("import_population", write(tmp_path, "kod,datum,antal\n0126,2025-12-31,5\n"))


def test_import_population_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("import_population", str(tmp_path / "missing.csv"))


def test_import_population_reads_the_scb_file_with_commas_in_the_source():
    run("load_ssr_defaults")
    PopulationFigure.objects.all().delete()
    out, _ = run("import_population", str(SHARED_POPULATION))
    assert "11 new" in out
    botkyrka = PopulationFigure.objects.get(actor__municipality_code="0127")
    assert botkyrka.inhabitants == 95905
    assert botkyrka.source == "SCB: Folkmängd i riket, län och kommuner 31 december 2024"


def test_import_population_dry_run_writes_nothing(tmp_path):
    MunicipalityFactory(municipality_code="0126")
    path = write(tmp_path, "municipality_code,reference_date,inhabitants\n0126,2025-12-31,1000\n")
    out, _ = run("import_population", path, dry_run=True)
    assert "Would import" in out
    assert PopulationFigure.objects.count() == 0


# --- create_demo_users ----------------------------------------------------------------------


def test_create_demo_users_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run("create_demo_users")


def test_create_demo_users_is_repeatable_and_prints_logins(settings):
    settings.DEBUG = True
    run("load_ssr_defaults")
    out, _ = run("create_demo_users")
    run("create_demo_users")
    assert "sekretariat" in out and "ssr-demo-sekretariat" in out
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="erik.huddinge")
    assert user.check_password("ssr-demo-medlem-1")
    assert (
        user.person.assignments.filter(actor_function__function__name="Säkerhetschef").count() == 1
    )
    # Erik is Huddinge's designated contact for ordinary-mode planning; a demo plan exists.
    from planning.access import contact_actor_ids
    from planning.models import OperationalPlan

    assert contact_actor_ids(user) == {user.person.actor_id}
    assert OperationalPlan.objects.get().summary.startswith("Demo")


def test_demo_actors_with_an_organisation_number_get_an_invoice_reference(settings):
    settings.DEBUG = True
    run("load_ssr_defaults")
    Actor.objects.filter(pk=Actor.objects.exclude(org_number="").first().pk).update(org_number="")
    run("create_demo_users")
    with_number = Actor.objects.exclude(org_number="")
    assert with_number.exists()
    assert sorted(with_number.values_list("invoice_reference", flat=True)) == sorted(
        f"SSR-{actor.short_name or actor.pk}" for actor in with_number
    )
    # No reference (and no organisation number) is invented for the others.
    assert not Actor.objects.filter(org_number="").exclude(invoice_reference="").exists()
