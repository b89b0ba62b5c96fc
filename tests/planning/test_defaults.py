from io import StringIO

import pytest
from django.core.management import call_command

from planning.models import (
    Capability,
    GoalArea,
    GoalPeriod,
    GoalPeriodVersion,
    PlanningSettings,
    SubCapability,
)

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_load_ssr_defaults_loads_the_goals_2023_2026_and_the_capabilities():
    run("load_ssr_defaults")

    period = GoalPeriod.objects.get()
    assert (period.name, period.start_year, period.end_year) == (
        "Gemensam målbild 2023–2026",
        2023,
        2026,
    )
    version = period.versions.get()
    assert version.status == GoalPeriodVersion.Status.ADOPTED
    assert version.overall_goal.startswith("Att tillsammans skapa trygghet, säkerhet")
    assert list(version.areas.values_list("name", flat=True)) == [
        "Grundförmågor",
        "Säker informationsdelning",
        "Omvärldsbevakning och lägesbild",
        "Förberedda inriktningar",
        "Virtuell och fysisk samverkan",
        "Samordnad kommunikation",
        "Totalförsvar",
        "Kontinuitet och uthållighet",
        "Större projekt inom målbildperioden",
    ]
    sharing = version.areas.get(name="Säker informationsdelning")
    assert sharing.goal_statement.startswith("Aktörerna inom Samverkan Stockholmsregionen har")
    assert "säkerhetsskyddsavtal" in sharing.explanation

    activated = list(Capability.objects.filter(mode="activated").values_list("name", flat=True))
    assert activated == [
        "Aktivera aktörsgemensamt läge",
        "Informationsdela och skapa samlad lägesbild",
        "Samordna aktörsgemensamt arbete",
        "Inrikta aktörsgemensamt arbete",
        "Samordna och inrikta kommunikation",
    ]
    assert Capability.objects.filter(mode="ordinary").count() == 5
    for capability in Capability.objects.all():
        assert capability.sub_capabilities.exists(), capability
    assert not SubCapability.objects.filter(source="").exists()

    settings = PlanningSettings.objects.get()
    assert settings.adopting_forum.name == "Regional chefsgrupp"
    assert settings.presenting_forum.name == "Regionala rådet"
    assert settings.contact_function.name == "Kontaktperson för samverkan"
    assert settings.contact_function.actor_functions.count() == 37  # every party has one


def test_loading_twice_changes_nothing_and_deleted_rows_stay_deleted():
    run("load_ssr_defaults")
    counts = [m.objects.count() for m in (GoalArea, Capability, SubCapability)]
    SubCapability.objects.filter(name="Gemensamma utbildningar").delete()

    out = run("load_ssr_defaults")

    assert "nothing to do" in out
    assert [m.objects.count() for m in (GoalArea, Capability, SubCapability)] == [
        counts[0],
        counts[1],
        counts[2] - 1,
    ]


def test_dry_run_writes_nothing():
    out = run("load_ssr_defaults", "--dry-run")
    assert "goal areas" in out and "sub-capabilities" in out
    assert not GoalPeriod.objects.exists() and not Capability.objects.exists()
