import datetime

import pytest
from django.urls import reverse

from actors.models import Actor, ActorFunction, Assignment, Function, Person
from tests.factories import (
    ActorFactory,
    ActorFunctionFactory,
    AssignmentFactory,
    ClusterFactory,
    MunicipalityFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    actor = MunicipalityFactory(name="Huddinge kommun", municipality_code="0126")
    actor_function = ActorFunctionFactory(actor=actor, function__name="Säkerhetschef")
    person = PersonFactory(actor=actor, first_name="Erik", last_name="Holm")
    assignment = AssignmentFactory(actor_function=actor_function, person=person)
    from tests.ssr_portal.oidc.world import provider_and_request

    identity_provider, signup_request = provider_and_request(actor)
    return {
        "identity_provider": identity_provider,
        "signup_request": signup_request,
        "actor": actor,
        "actor_function": actor_function,
        "function": actor_function.function,
        "person": person,
        "assignment": assignment,
    }


# (url name, kwargs from the registry fixture, who may open it)
MEMBER_PAGES = [
    ("home", {}),
    ("actors:actor_list", {}),
    ("actors:actor_detail", {"pk": "actor"}),
    ("actors:function_list", {}),
    ("actors:person_list", {}),
    ("actors:person_detail", {"pk": "person"}),
    ("password_change", {}),
]
SECRETARIAT_PAGES = [
    ("actors:actor_create", {}),
    ("actors:actor_update", {"pk": "actor"}),
    ("actors:actor_function_add", {"pk": "actor"}),
    ("actors:actor_function_update", {"pk": "actor_function"}),
    ("actors:actor_function_remove", {"pk": "actor_function"}),
    ("actors:function_create", {}),
    ("actors:function_update", {"pk": "function"}),
    ("actors:person_create", {}),
    ("actors:person_update", {"pk": "person"}),
    ("actors:assignment_create", {}),
    ("actors:assignment_update", {"pk": "assignment"}),
    ("actors:assignment_end", {"pk": "assignment"}),
    ("actors:population_import", {}),
    ("actors:audit_search", {}),
    ("actors:object_history", {"label": "actors.actor", "pk": "actor"}),
    ("actors:person_anonymise", {"pk": "person"}),
    ("actors:identity_provider_list", {}),
    ("actors:identity_provider_create", {}),
    ("actors:identity_provider_update", {"pk": "identity_provider"}),
    ("actors:identity_provider_deactivate", {"pk": "identity_provider"}),
    ("actors:identity_provider_activate", {"pk": "identity_provider"}),
    ("actors:signup_request_list", {}),
    ("actors:signup_request_approve", {"pk": "signup_request"}),
    ("actors:signup_request_reject", {"pk": "signup_request"}),
]
# Read-only pages for the secretariat (a member's POST is refused by the method, 405).
SECRETARIAT_READ_PAGES = [("actors:person_export", {"pk": "person"})]
PUBLIC_PAGES = [("accessibility", {})]
LOGIN_PAGES = [("login", {})]


def url_for(name, kwargs, registry):
    return reverse(
        name, kwargs={k: registry[v].pk if v in registry else v for k, v in kwargs.items()}
    )


EXPECTED = {
    # page kind: (anonymous, member, secretariat)
    "public": (200, 200, 200),
    "login": (200, None, None),
    "member": (302, 200, 200),
    "secretariat": (302, 403, 200),
}


MATRIX = (
    [(name, kwargs, "public") for name, kwargs in PUBLIC_PAGES]
    + [(name, kwargs, "login") for name, kwargs in LOGIN_PAGES]
    + [(name, kwargs, "member") for name, kwargs in MEMBER_PAGES]
    + [(name, kwargs, "secretariat") for name, kwargs in SECRETARIAT_PAGES]
    + [(name, kwargs, "secretariat") for name, kwargs in SECRETARIAT_READ_PAGES]
)


@pytest.mark.parametrize(("name", "kwargs", "kind"), MATRIX, ids=[m[0] for m in MATRIX])
@pytest.mark.parametrize("role_index", [0, 1, 2], ids=["anonymous", "member", "secretariat"])
def test_permission_matrix(
    name, kwargs, kind, role_index, registry, anonymous, member, secretariat
):
    client = [anonymous, member, secretariat][role_index]
    expected = EXPECTED[kind][role_index]
    url = url_for(name, kwargs, registry)
    response = client.get(url)
    if expected is None:  # the login page sends a logged-in user home
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
        return
    assert response.status_code == expected, url
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name,kwargs", SECRETARIAT_PAGES, ids=[p[0] for p in SECRETARIAT_PAGES])
def test_members_cannot_post_to_secretariat_pages(name, kwargs, registry, member):
    before = {m: m.objects.count() for m in (Actor, ActorFunction, Function, Person, Assignment)}
    response = member.post(url_for(name, kwargs, registry), {"name": "x"})
    assert response.status_code == 403
    assert {m: m.objects.count() for m in before} == before


def test_every_actors_url_is_in_the_matrix():
    from actors.urls import urlpatterns

    covered = {name.split(":")[-1] for name, _kwargs, _kind in MATRIX}
    assert {p.name for p in urlpatterns} <= covered


def test_admin_is_the_secretariats_back_office(registry, anonymous, member, secretariat):
    assert secretariat.get(reverse("admin:actors_actor_changelist")).status_code == 200
    assert (
        secretariat.get(
            reverse("admin:actors_actor_change", args=[registry["actor"].pk])
        ).status_code
        == 200
    )
    assert member.get(reverse("admin:actors_actor_changelist")).status_code == 302
    assert anonymous.get(reverse("admin:index")).status_code == 302


# --- Directory ------------------------------------------------------------------------------


def test_directory_lists_searches_and_filters(member):
    north = ClusterFactory(name="Norr")
    MunicipalityFactory(name="Täby kommun", cluster=north, municipality_code="0160")
    ActorFactory(name="Kustbevakningen", kind="coast_guard")

    page = member.get(reverse("actors:actor_list")).content.decode()
    assert "Täby kommun" in page and "Kustbevakningen" in page

    page = member.get(reverse("actors:actor_list"), {"q": "täby"}).content.decode()
    assert "Täby kommun" in page and "Kustbevakningen" not in page

    page = member.get(reverse("actors:actor_list"), {"kind": "coast_guard"}).content.decode()
    assert "Kustbevakningen" in page and "Täby kommun" not in page

    page = member.get(reverse("actors:actor_list"), {"cluster": north.pk}).content.decode()
    assert "Täby kommun" in page and "Kustbevakningen" not in page


def test_directory_empty_state(member):
    page = member.get(reverse("actors:actor_list"), {"q": "finns-inte"}).content.decode()
    assert "Ingen aktör matchar" in page


def test_directory_htmx_request_gets_only_the_table(member):
    ActorFactory(name="SOS Alarm")
    response = member.get(reverse("actors:actor_list"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "SOS Alarm" in body
    assert "<html" not in body


def test_directory_paginates(member, settings):
    settings.ACTORS_PER_PAGE = 10
    ActorFactory.create_batch(25)
    page = member.get(reverse("actors:actor_list"), {"page": 3}).content.decode()
    assert "Sida 3 av 3" in page


def test_directory_queries_do_not_grow_with_actors(member, django_assert_max_num_queries):
    cluster = ClusterFactory(name="Mitt")
    for i in range(120):
        MunicipalityFactory(cluster=cluster, municipality_code=f"{1000 + i:04d}")
    with django_assert_max_num_queries(12):
        response = member.get(reverse("actors:actor_list"), {"page": 2})
    assert response.status_code == 200


def test_actor_page_shows_who_holds_functions_today(member, registry):
    actor_function = registry["actor_function"]
    AssignmentFactory(
        actor_function=actor_function,
        person__first_name="Gammal",
        person__last_name="Chef",
        starts_on=datetime.date(2019, 1, 1),
        ends_on=datetime.date(2020, 1, 1),
    )
    AssignmentFactory(
        actor_function=actor_function,
        role=Assignment.Role.DEPUTY,
        person__first_name="Lena",
        person__last_name="Ek",
    )
    page = member.get(registry["actor"].get_absolute_url()).content.decode()
    assert "Säkerhetschef" in page
    assert "Erik Holm" in page and "Lena Ek" in page
    assert "Gammal Chef" not in page


def test_actor_page_queries_do_not_grow_with_functions(member, django_assert_max_num_queries):
    actor = MunicipalityFactory()
    for _ in range(30):
        actor_function = ActorFunctionFactory(actor=actor)
        AssignmentFactory.create_batch(2, actor_function=actor_function)
        AssignmentFactory(actor_function=actor_function, role=Assignment.Role.DEPUTY)
    actor.population_figures.create(reference_date=datetime.date(2024, 12, 31), inhabitants=10)
    with django_assert_max_num_queries(13):
        response = member.get(actor.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("Förnamn") >= 90


def test_person_list_queries_do_not_grow(member, django_assert_max_num_queries):
    PersonFactory.create_batch(60)
    with django_assert_max_num_queries(11):
        response = member.get(reverse("actors:person_list"))
    assert response.status_code == 200


def test_function_list_queries_do_not_grow(member, django_assert_max_num_queries):
    for _ in range(40):
        ActorFunctionFactory()
    with django_assert_max_num_queries(11):
        response = member.get(reverse("actors:function_list"))
    assert response.status_code == 200


def test_unknown_actor_is_404(member):
    assert member.get(reverse("actors:actor_detail", args=[999999])).status_code == 404


# --- Secretariat forms ----------------------------------------------------------------------


def test_secretariat_creates_an_actor(secretariat):
    response = secretariat.post(
        reverse("actors:actor_create"),
        {
            "name": "Nacka kommun",
            "short_name": "Nacka",
            "kind": "municipality",
            "municipality_code": "0182",
            "org_number": "2120000142",
            "membership_type": "ordinary",
            "invoice_delivery": "peppol",
        },
    )
    actor = Actor.objects.get(name="Nacka kommun")
    assert response.status_code == 302
    assert response["Location"] == actor.get_absolute_url()
    assert actor.org_number == "212000-0142"


def test_malformed_organisation_number_is_a_form_error_and_saves_nothing(secretariat):
    response = secretariat.post(
        reverse("actors:actor_create"),
        {"name": "Felbolaget", "kind": "other", "org_number": "123", "membership_type": "ordinary"},
    )
    assert response.status_code == 400
    assert "är inte ett giltigt organisationsnummer" in response.content.decode()
    assert not Actor.objects.filter(name="Felbolaget").exists()


def test_a_municipality_needs_a_code_and_others_none(secretariat):
    response = secretariat.post(
        reverse("actors:actor_create"),
        {"name": "Ny kommun", "kind": "municipality", "membership_type": "ordinary"},
    )
    assert response.status_code == 400
    response = secretariat.post(
        reverse("actors:actor_create"),
        {
            "name": "Ny myndighet",
            "kind": "police",
            "municipality_code": "0101",
            "membership_type": "ordinary",
            "invoice_delivery": "peppol",
        },
    )
    assert response.status_code == 400
    assert not Actor.objects.filter(name__startswith="Ny ").exists()


def test_secretariat_edits_an_actor_and_history_records_who(
    secretariat, secretariat_user, registry
):
    actor = registry["actor"]
    response = secretariat.post(
        reverse("actors:actor_update", args=[actor.pk]),
        {
            "name": actor.name,
            "kind": "municipality",
            "municipality_code": "0126",
            "membership_type": "ordinary",
            "invoice_delivery": "peppol",
            "phone": "08-535 300 00",
        },
    )
    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.phone == "08-535 300 00"
    assert actor.history.first().history_user == secretariat_user


def test_secretariat_adds_and_removes_a_function(secretariat):
    actor = ActorFactory()
    function = Function.objects.create(name="Kommunikationschef")
    response = secretariat.post(
        reverse("actors:actor_function_add", args=[actor.pk]), {"function": function.pk}
    )
    assert response.status_code == 302
    actor_function = ActorFunction.objects.get(actor=actor, function=function)

    again = secretariat.post(
        reverse("actors:actor_function_add", args=[actor.pk]), {"function": function.pk}
    )
    assert again.status_code == 400
    assert ActorFunction.objects.filter(actor=actor).count() == 1

    confirm = secretariat.get(reverse("actors:actor_function_remove", args=[actor_function.pk]))
    assert "Ta bort funktionen" in confirm.content.decode()
    assert ActorFunction.objects.filter(pk=actor_function.pk).exists()
    secretariat.post(reverse("actors:actor_function_remove", args=[actor_function.pk]))
    assert not ActorFunction.objects.filter(pk=actor_function.pk).exists()


def test_removing_a_function_with_assignments_shows_why(secretariat, registry):
    response = secretariat.post(
        reverse("actors:actor_function_remove", args=[registry["actor_function"].pk])
    )
    assert response.status_code == 400
    assert "har uppdrag" in response.content.decode()
    assert ActorFunction.objects.filter(pk=registry["actor_function"].pk).exists()


def test_secretariat_assigns_and_ends_an_assignment(secretariat, registry):
    person = PersonFactory(actor=registry["actor"])
    response = secretariat.post(
        reverse("actors:assignment_create"),
        {
            "actor_function": registry["actor_function"].pk,
            "person": person.pk,
            "role": "deputy",
            "starts_on": "2025-01-01",
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(person=person)
    assert assignment.role == "deputy"

    bad = secretariat.post(
        reverse("actors:assignment_end", args=[assignment.pk]), {"ends_on": "2024-12-31"}
    )
    assert bad.status_code == 400
    assignment.refresh_from_db()
    assert assignment.ends_on is None

    secretariat.post(
        reverse("actors:assignment_end", args=[assignment.pk]), {"ends_on": "2025-06-30"}
    )
    assignment.refresh_from_db()
    assert assignment.ends_on == datetime.date(2025, 6, 30)


def test_overlapping_assignment_is_a_form_error(secretariat, registry):
    response = secretariat.post(
        reverse("actors:assignment_create"),
        {
            "actor_function": registry["actor_function"].pk,
            "person": registry["person"].pk,
            "role": "holder",
            "starts_on": "2025-03-01",
        },
    )
    assert response.status_code == 400
    assert Assignment.objects.count() == 1


def test_secretariat_creates_a_person_and_bad_mobile_is_refused(secretariat, registry):
    bad = secretariat.post(
        reverse("actors:person_create"),
        {
            "first_name": "Ny",
            "last_name": "Person",
            "actor": registry["actor"].pk,
            "mobile": "ring mig",
        },
    )
    assert bad.status_code == 400
    assert not Person.objects.filter(first_name="Ny").exists()
    good = secretariat.post(
        reverse("actors:person_create"),
        {
            "first_name": "Ny",
            "last_name": "Person",
            "actor": registry["actor"].pk,
            "mobile": "+46 70 123 45 67",
            "email": "ny@example.org",
        },
    )
    assert good.status_code == 302
    assert Person.objects.filter(first_name="Ny", mobile="+46 70 123 45 67").exists()


def test_secretariat_creates_and_edits_a_function(secretariat):
    secretariat.post(reverse("actors:function_create"), {"name": "TiB"})
    function = Function.objects.get(name="TiB")
    secretariat.post(
        reverse("actors:function_update", args=[function.pk]),
        {"name": "Tjänsteman i beredskap", "description": "Dygnet runt"},
    )
    function.refresh_from_db()
    assert function.name == "Tjänsteman i beredskap"
    duplicate = secretariat.post(reverse("actors:function_create"), {"name": function.name})
    assert duplicate.status_code == 400


# --- Population import page -----------------------------------------------------------------


def upload(secretariat, text: str, dry_run: bool):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile("folkmangd.csv", text.encode("utf-8"), "text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    return secretariat.post(reverse("actors:population_import"), data)


def test_population_import_page_checks_then_imports(secretariat):
    from actors.models import PopulationFigure

    MunicipalityFactory(municipality_code="0126")
    text = "municipality_code,reference_date,inhabitants\n0126,2025-12-31,115000\n"

    checked = upload(secretariat, text, dry_run=True)
    assert checked.status_code == 200
    assert "Filen är korrekt" in checked.content.decode()
    assert PopulationFigure.objects.count() == 0

    imported = upload(secretariat, text, dry_run=False)
    assert imported.status_code == 302
    assert PopulationFigure.objects.get().inhabitants == 115000


def test_population_import_page_lists_bad_rows_and_imports_nothing(secretariat):
    from actors.models import PopulationFigure

    MunicipalityFactory(municipality_code="0126")
    text = "municipality_code,reference_date,inhabitants\n0126,2025-12-31,1\n0126,igår,5\n"
    response = upload(secretariat, text, dry_run=False)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Inget importerades" in page and "Rad 3" in page
    assert PopulationFigure.objects.count() == 0


def test_population_import_page_refuses_a_binary_file(secretariat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = secretariat.post(
        reverse("actors:population_import"),
        {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad", "text/csv")},
    )
    assert response.status_code == 400
    assert "varken UTF-8 eller Windows-1252" in response.content.decode()
