"""The directory's result table is cached for everyone alike: every change to an actor or a
municipal cluster, through the services or the admin, shows at the next request, and the page
is rendered from the database while Redis is down."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from actors import services
from actors.models import Actor
from tests.core.test_cache import _dead_location
from tests.factories import ActorFactory, ClusterFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def directory(client, **params) -> str:
    response = client.get(reverse("actors:actor_list"), params)
    assert response.status_code == 200
    return response.content.decode()


def results(page: str) -> str:
    """The result table (the rest of the page carries a CSRF token of its own per request)."""
    return page[page.index('id="actor-results"') : page.index("</main>")]


def test_the_table_is_rendered_once_for_the_same_filters(member, django_assert_max_num_queries):
    ActorFactory(name="Alfa brandförsvar")
    first = results(directory(member))
    with django_assert_max_num_queries(50) as cold:
        directory(member, q="Alfa")
    with django_assert_max_num_queries(50) as warm:
        assert "Alfa brandförsvar" in directory(member, q="Alfa")
    assert len(warm.captured_queries) == len(cold.captured_queries) - 2  # no count, no rows
    assert results(directory(member)) == first


def test_a_renamed_actor_shows_at_once(member):
    actor = ActorFactory(name="Alfa brandförsvar")
    assert "Alfa brandförsvar" in directory(member)
    services.actor_update(actor=actor, name="Beta brandförsvar")
    page = directory(member)
    assert "Beta brandförsvar" in page and "Alfa brandförsvar" not in page


def test_a_new_and_a_deleted_actor_show_at_once(member):
    directory(member)
    created = services.actor_create(name="Gamma hamn", kind=Actor.Kind.PORT)
    assert "Gamma hamn" in directory(member)
    created.delete()
    assert "Gamma hamn" not in directory(member)


def test_a_renamed_cluster_shows_at_once_and_the_htmx_table_too(member):
    cluster = ClusterFactory(name="Mitt")
    MunicipalityFactory(name="Solna stad", cluster=cluster, municipality_code="0184")
    assert "Mitt" in directory(member, q="Solna")
    cluster.name = "Nordväst"
    cluster.save()
    table = member.get(
        reverse("actors:actor_list"), {"q": "Solna"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Nordväst" in table and "<html" not in table


def test_the_language_is_part_of_the_key(member):
    ActorFactory(name="Alfa brandförsvar")
    swedish = directory(member)
    member.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = directory(member)
    assert "aktörer" in swedish and "actors" in english


def test_the_directory_answers_from_the_database_while_redis_is_down(member, settings):
    ActorFactory(name="Alfa brandförsvar")
    directory(member)
    settings.CACHES = {
        "default": {**django_settings.CACHES["default"], "LOCATION": _dead_location()}
    }
    ActorFactory(name="Delta räddning")
    page = directory(member)
    assert "Alfa brandförsvar" in page and "Delta räddning" in page


def test_actors_loaded_without_history_show_too(member):
    directory(member)
    Actor.objects.bulk_create([Actor(name="Epsilon import", kind=Actor.Kind.OTHER)])
    assert "Epsilon import" in directory(member)
