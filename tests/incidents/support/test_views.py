"""The pages of requests for support: who reaches them, what each is offered, the forms, the
panels on the incident, picture, PDF and follow-up, and a list that does not grow in queries."""

import datetime
import uuid

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from incidents import services as incident_services
from incidents.models import SupportRequest, SupportRequestEvent
from incidents.picture import services as picture_services
from incidents.support import services
from notifications.models import Notification
from tests.incidents.conftest import READ, ROLES, client_for, report

from .conftest import raise_request, soon

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(crisis, holder, huddinge, police):
    """Huddinge (Hanna) asks the police (Pia) for generators."""
    return raise_request(crisis, holder, actor=huddinge, addressed=[police])


@pytest.fixture
def clients(holder, outsider, rsib, rsib_off, secretariat):
    from django.test import Client

    return {
        "anonymous": Client(),
        "member": client_for(holder),
        "outsider": client_for(outsider),
        "rsib": client_for(rsib),
        "rsib_off": client_for(rsib_off),
        "secretariat": secretariat,
    }


# The request pages and who reaches them (tests/incidents/test_views.py checks that every URL
# of the incidents namespace is listed somewhere).
SUPPORT_PAGES = [
    ("incidents:support_request_list", {"pk": "incident"}, READ),
    ("incidents:support_request_create", {"pk": "incident"}, READ),
    ("incidents:support_picture_panel", {"pk": "incident"}, READ),
    ("incidents:support_request_detail", {"pk": "request"}, READ),
]
SUPPORT_POST_ONLY = ["support_request_action"]


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"), SUPPORT_PAGES, ids=[p[0] for p in SUPPORT_PAGES]
)
def test_who_reaches_each_page(name, kwargs, expected, crisis, asked, clients):
    objects = {"incident": crisis, "request": asked}
    url = reverse(name, kwargs={k: objects[v].pk for k, v in kwargs.items()})
    for role, status in zip(ROLES, expected, strict=True):
        assert clients[role].get(url).status_code == status, (role, url)


def test_the_steps_are_posted_not_opened(asked, clients, police_user):
    url = reverse("incidents:support_request_action", args=[asked.pk, "answer"])
    assert clients["anonymous"].get(url).status_code == 302
    assert clients["member"].get(url).status_code == 405
    # Someone who may not see the incident cannot post to it either.
    assert clients["outsider"].post(url, {"answer-answer": "accept"}).status_code == 404
    assert clients["rsib_off"].post(url, {"answer-answer": "accept"}).status_code == 404
    # The RSIB sees the incident but answers for no actor asked.
    assert clients["rsib"].post(url, {"answer-answer": "accept"}).status_code == 403
    assert (
        client_for(police_user)
        .post(reverse("incidents:support_request_action", args=[asked.pk, "nonsense"]))
        .status_code
        == 404
    )
    asked.refresh_from_db()
    assert asked.is_open


def test_someone_who_speaks_for_no_actor_taking_part_cannot_raise(crisis, rkk):
    client = client_for(rkk)  # the RKK on duty sees the incident
    assert (
        client.get(reverse("incidents:support_request_list", args=[crisis.pk])).status_code == 200
    )
    assert (
        client.get(reverse("incidents:support_request_create", args=[crisis.pk])).status_code == 403
    )


def test_each_person_is_offered_only_what_they_may_do(asked, holder, police_user, fire_user, rsib):
    url = asked.get_absolute_url()
    pages = {
        user.username: client_for(user).get(url).content.decode()
        for user in (holder, police_user, fire_user, rsib)
    }
    answer = reverse("incidents:support_request_action", args=[asked.pk, "answer"])
    close = reverse("incidents:support_request_action", args=[asked.pk, "close"])
    assert answer in pages["pia"] and close not in pages["pia"]
    assert answer not in pages["hanna"] and close in pages["hanna"]
    assert answer not in pages["frans"] and close not in pages["frans"]
    assert answer not in pages["rut"] and close in pages["rut"]


def test_a_member_raises_a_request_through_the_form(crisis, holder, huddinge, police, police_user):
    client = client_for(holder)
    url = reverse("incidents:support_request_create", args=[crisis.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Polismyndigheten" in page.content.decode()
    needed_by = timezone.localtime(soon(3)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "actor": huddinge.pk,
        "kind": "resource",
        "title": "Sandsäckar",
        "addressed": [police.pk],
        "needed_by": needed_by,
        "priority": "high",
        "idempotency_key": uuid.uuid4().hex,
    }
    answer = client.post(url, data)
    request = SupportRequest.objects.get()
    assert answer.status_code == 302 and answer["Location"] == request.get_absolute_url()
    assert request.priority == "high" and request.raised_by_actor == huddinge
    # The same form sent again (a double click) raises nothing more and tells nobody twice.
    again = client.post(url, data)
    assert again.status_code == 302
    assert SupportRequest.objects.count() == 1
    told = Notification.objects.filter(kind="support_request", recipient__user=police_user)
    assert told.count() == told.values("channel").distinct().count() == 2


def test_the_form_refuses_a_past_time_and_no_one_asked(crisis, holder, huddinge):
    client = client_for(holder)
    url = reverse("incidents:support_request_create", args=[crisis.pk])
    past = timezone.localtime(timezone.now() - datetime.timedelta(hours=1))
    answer = client.post(
        url,
        {
            "actor": huddinge.pk,
            "kind": "resource",
            "title": "Sandsäckar",
            "needed_by": past.strftime("%Y-%m-%dT%H:%M"),
            "priority": "normal",
        },
    )
    assert answer.status_code == 400
    body = answer.content.decode()
    assert "måste ligga i framtiden" in body and "Välj aktörerna" in body
    assert not SupportRequest.objects.exists()


def test_a_need_in_a_report_becomes_a_request_with_one_click(
    crisis, holder, huddinge, police_user, police
):
    needy = report(crisis, police, police_user, needs="Fler vägspärrar vid Flemingsberg")
    picture_url = reverse("incidents:picture", args=[crisis.pk])
    create = reverse("incidents:support_request_create", args=[crisis.pk])
    client = client_for(holder)
    panel = client.get(reverse("incidents:support_picture_panel", args=[crisis.pk]))
    link = f"{create}?report={needy.pk}"
    assert link in panel.content.decode()
    assert link in client.get(picture_url).content.decode()  # inside the live picture too
    # Pia asks on behalf of the police, from the police's own report.
    form = client_for(police_user).get(link)
    assert "Fler vägspärrar vid Flemingsberg" in form.content.decode()
    assert form.context["form"].initial["actor"] == police.pk
    answer = client_for(police_user).post(
        link,
        {
            "actor": police.pk,
            "kind": "resource",
            "title": "Fler vägspärrar vid Flemingsberg",
            "to_anyone": "on",
            "needed_by": timezone.localtime(soon()).strftime("%Y-%m-%dT%H:%M"),
            "priority": "normal",
        },
    )
    assert answer.status_code == 302
    assert SupportRequest.objects.get().from_report == needy
    panel = client.get(reverse("incidents:support_picture_panel", args=[crisis.pk]))
    body = panel.content.decode()
    assert link not in body  # the need is now a request
    assert "Fler vägspärrar vid Flemingsberg" in body


def test_a_report_of_another_incident_prefills_nothing(crisis, holder, police_user, police, rsib):
    other = incident_services.incident_activate(
        activated_by=rsib, title="Annan", forums=list(crisis.activated_forums.all())
    )
    foreign = report(other, police, police_user, needs="Hemligt behov")
    page = client_for(holder).get(
        reverse("incidents:support_request_create", args=[crisis.pk]) + f"?report={foreign.pk}"
    )
    assert page.status_code == 200 and "Hemligt behov" not in page.content.decode()


def test_the_asked_actor_accepts_and_delivers_through_the_page(asked, police_user, holder):
    client = client_for(police_user)
    answer_url = reverse("incidents:support_request_action", args=[asked.pk, "answer"])
    refused = client.post(answer_url, {"answer-answer": "partial", "answer-note": ""})
    assert refused.status_code == 400
    assert "vilken del" in refused.content.decode()
    accepted = client.post(
        answer_url,
        {"answer-answer": "accept", "answer-note": "", "idempotency_key": uuid.uuid4().hex},
    )
    assert accepted.status_code == 302
    deliver_url = reverse("incidents:support_request_action", args=[asked.pk, "deliver"])
    assert client.post(deliver_url, {"deliver-note": "Framme 14:10"}).status_code == 302
    asked.refresh_from_db()
    assert asked.status == SupportRequest.Status.DELIVERED
    page = client_for(holder).get(asked.get_absolute_url()).content.decode()
    assert "Framme 14:10" in page and "Levererad" in page


def test_a_lost_race_says_who_won(asked, police_user, fire_user, fire, holder, huddinge, police):
    both = raise_request(asked.incident, holder, actor=huddinge, addressed=[police, fire])
    services.support_request_accept(request=both, actor=police, by=police_user)
    url = reverse("incidents:support_request_action", args=[both.pk, "answer"])
    answer = client_for(fire_user).post(url, {"answer-answer": "accept"})
    assert answer.status_code == 400
    assert "Polismyndigheten har redan accepterat" in answer.content.decode()


def test_the_asker_closes_a_request_through_the_page(asked, holder):
    url = reverse("incidents:support_request_action", args=[asked.pk, "close"])
    assert client_for(holder).post(url, {"close-note": "Löst"}).status_code == 302
    asked.refresh_from_db()
    assert asked.status == SupportRequest.Status.CLOSED


def test_the_list_shows_open_or_all_and_marks_the_overdue(crisis, holder, huddinge, police, rsib):
    late = raise_request(crisis, holder, actor=huddinge, addressed=[police], title="Sent")
    SupportRequest.objects.filter(pk=late.pk).update(
        needed_by=timezone.now() - datetime.timedelta(minutes=5)
    )
    done = raise_request(crisis, holder, actor=huddinge, addressed=[police], title="Klart")
    services.support_request_close(request=done, by=holder)
    url = reverse("incidents:support_request_list", args=[crisis.pk])
    client = client_for(rsib)
    open_page = client.get(url).content.decode()
    assert "Sent" in open_page and "Klart" not in open_page and "försenad" in open_page
    all_page = client.get(url + "?status=all").content.decode()
    assert "Klart" in all_page and "Behövs inte längre" in all_page
    assert client.get(url + "?status=<script>").status_code == 200


def test_the_list_does_not_grow_in_queries(
    crisis, holder, huddinge, police, fire, rsib, django_assert_max_num_queries
):
    for n in range(25):
        raise_request(crisis, holder, actor=huddinge, addressed=[police, fire], title=f"Behov {n}")
    raise_request(crisis, rsib, to_anyone=True, title="Till alla")
    client = client_for(rsib)
    url = reverse("incidents:support_request_list", args=[crisis.pk])
    with django_assert_max_num_queries(30):
        page = client.get(url + "?status=all")
    assert page.content.decode().count("Behov ") == 25


def test_the_incident_page_shows_the_open_requests(asked, crisis, holder, rsib, rkk):
    SupportRequest.objects.filter(pk=asked.pk).update(
        needed_by=timezone.now() - datetime.timedelta(minutes=5)
    )
    create = reverse("incidents:support_request_create", args=[crisis.pk])
    as_rsib = client_for(rsib).get(crisis.get_absolute_url()).content.decode()
    assert "Två reservkraftverk" in as_rsib and "1 öppen begäran" in as_rsib
    assert "försenad" in as_rsib.split('id="support-heading"')[1].split("</section>")[0]
    as_holder = client_for(holder).get(crisis.get_absolute_url()).content.decode()
    assert create in as_holder
    panel = as_holder.split('id="support-heading"')[1].split("</section>")[0]
    assert "försenad" not in panel  # overdue is marked for the coordinator
    assert create not in client_for(rkk).get(crisis.get_absolute_url()).content.decode()


def test_the_picture_pdf_lists_the_open_requests_frozen_at_publication(asked, crisis, rsib):
    picture = picture_services.picture_publish(
        incident=crisis, audience="full", summary="Läget", published_by=rsib
    )
    html = render_to_string(
        "incidents/pdf/picture.html",
        {"picture": picture, "incident": crisis, "published_at": picture.published_at},
    )
    section = html.split("Öppna begäranden om stöd")[1]
    assert "Två reservkraftverk" in section
    assert "Huddinge kommun" in section and "Polismyndigheten" in section
    assert "Inväntar svar" in section and "resurs" in section


def test_the_follow_up_shows_every_request_and_how_fast_it_went(
    asked, crisis, holder, huddinge, police, police_user, rsib
):
    services.support_request_accept(request=asked, actor=police, by=police_user)
    services.support_request_deliver(request=asked, by=police_user)
    SupportRequest.objects.filter(pk=asked.pk).update(
        answered_at=asked.created_at + datetime.timedelta(minutes=12),
        delivered_at=asked.created_at + datetime.timedelta(hours=1, minutes=5),
    )
    closed = raise_request(crisis, holder, actor=huddinge, addressed=[police], title="Bussar")
    services.support_request_close(request=closed, by=holder)
    incident_services.incident_deactivate(incident=crisis, by=rsib)
    incident_services.incident_follow_up(incident=crisis, by=rsib, evaluation="Gick bra")
    page = client_for(rsib).get(crisis.get_absolute_url()).content.decode()
    table = page.split('id="support-follow-up-caption"')[1]
    assert "Två reservkraftverk" in table and "12 min" in table and "1 h 05 min" in table
    assert "Bussar" in table and "Behövs inte längre" in table
    assert SupportRequestEvent.objects.filter(request=closed, action="closed").exists()


def test_no_request_form_is_offered_once_the_incident_is_deactivated(crisis, holder, rsib):
    incident_services.incident_deactivate(incident=crisis, by=rsib)
    url = reverse("incidents:support_request_create", args=[crisis.pk])
    answer = client_for(holder).get(url, follow=True)
    assert answer.redirect_chain[-1][0] == reverse(
        "incidents:support_request_list", args=[crisis.pk]
    )
    assert "medan händelsen är aktiverad" in answer.content.decode()
