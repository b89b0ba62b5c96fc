"""The actor's 24/7 alert address (issue 17): kept by the secretariat on the actor's edit page
and in the admin, validated, shown on the actor's page, filled in the demo data."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from actors.models import Actor
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def huddinge(db):
    return MunicipalityFactory(name="Huddinge kommun", municipality_code="0126")


def _post(client, actor, **alert):
    return client.post(
        reverse("actors:actor_update", args=[actor.pk]),
        {
            "name": actor.name,
            "kind": "municipality",
            "municipality_code": "0126",
            "membership_type": "ordinary",
            "invoice_delivery": "peppol",
            **alert,
        },
    )


def test_secretariat_keeps_the_alert_address_on_the_edit_page(secretariat, huddinge, member):
    response = _post(
        secretariat,
        huddinge,
        alert_label="TiB",
        alert_email=" TiB@Huddinge.example.org ",
        alert_phone="+46  8 535 000   00",
    )
    assert response.status_code == 302
    huddinge.refresh_from_db()
    assert huddinge.alert_label == "TiB"
    assert huddinge.alert_email == "tib@huddinge.example.org"
    assert huddinge.alert_phone == "+46 8 535 000 00"
    page = member.get(huddinge.get_absolute_url()).content.decode()
    assert "Larmadress dygnet runt" in page and 'href="tel:+46 8 535 000 00"' in page


def test_a_malformed_alert_address_is_a_form_error(secretariat, huddinge):
    response = _post(secretariat, huddinge, alert_email="inte-en-adress", alert_phone="ring mig")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"alert_email", "alert_phone"} <= set(errors)
    huddinge.refresh_from_db()
    assert huddinge.alert_email == "" and huddinge.alert_phone == ""


def test_an_actor_without_an_alert_address_says_so(member, huddinge):
    page = member.get(huddinge.get_absolute_url()).content.decode()
    assert "Ingen larmadress dygnet runt är registrerad." in page


def test_the_admin_edits_the_alert_address(huddinge, rf):
    from django.contrib import admin

    request = rf.get("/")
    request.user = UserFactory(username="root", is_superuser=True, is_staff=True)
    form = admin.site._registry[Actor].get_form(request, huddinge)
    assert {"alert_label", "alert_email", "alert_phone"} <= set(form.base_fields)
    bound = form({"alert_email": "fel", "alert_phone": "ring"}, instance=huddinge)
    assert {"alert_email", "alert_phone"} <= set(bound.errors)


def test_demo_data_gives_every_actor_an_alert_address(settings):
    settings.DEBUG = True
    call_command("load_ssr_defaults", stdout=StringIO())
    call_command("create_demo_users", stdout=StringIO())
    assert Actor.objects.count() > 30
    assert not Actor.objects.filter(alert_email="").exists()
    assert not Actor.objects.filter(alert_phone="").exists()
    assert all(a.alert_email.endswith(".example.org") for a in Actor.objects.all())
    for actor in Actor.objects.all():
        actor.full_clean()  # the demo phones pass the validator
