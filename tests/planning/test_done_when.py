"""The issue's "Done when", run through the pages on SSR's default data:

the 2023–2026 goal areas are loaded; a plan for a year is drafted, adopted at a chefsgrupp meeting,
followed up, and exported; three actors self-assess and the matrix shows who falls below the
minimum; an exercise with two actors produces a lesson whose action is closed.
"""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from actors.models import Actor, ActorFunction, Function
from forums.models import Decision, Forum
from planning.models import (
    Activity,
    Capability,
    Exercise,
    LessonAction,
    OperationalPlan,
    SubCapability,
)
from tests.factories import AssignmentFactory, MeetingFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _contact_for(actor: Actor, username: str) -> Client:
    user = UserFactory(username=username, first_name=username.title(), last_name="Kontakt")
    person = PersonFactory(user=user, actor=actor)
    AssignmentFactory(
        person=person,
        actor_function=ActorFunction.objects.get(
            actor=actor, function=Function.objects.get(name="Kontaktperson för samverkan")
        ),
    )
    client = Client()
    client.force_login(user)
    return client


def test_done_when(secretariat):
    call_command("load_ssr_defaults", verbosity=0)

    # The 2023–2026 goal areas are loaded.
    page = secretariat.get(reverse("planning:period_list")).content.decode()
    assert "Gemensam målbild 2023–2026" in page
    huddinge = Actor.objects.get(name="Huddinge kommun")
    polisen = Actor.objects.get(name="Polismyndigheten Region Stockholm")
    region = Actor.objects.get(name="Region Stockholm")
    contacts = {
        huddinge: _contact_for(huddinge, "hilda"),
        polisen: _contact_for(polisen, "petter"),
        region: _contact_for(region, "rebecka"),
    }

    # A plan for 2025 is drafted ...
    response = secretariat.post(reverse("planning:plan_create"), {"year": "2025"})
    assert response.status_code == 302
    plan = OperationalPlan.objects.get(year=2025)
    area = plan.goal_version.areas.get(name="Säker informationsdelning")
    response = secretariat.post(
        reverse("planning:activity_create", args=[2025]),
        {
            "goal_area": area.pk,
            "title": "Utbildning i säkerhetsskydd för kontaktpersoner",
            "owner": huddinge.pk,
            "forum": Forum.objects.get(name="Regional samordningsgrupp").pk,
            "starts_on": "2025-02-01",
            "ends_on": "2025-06-30",
            "follow_up_plan": "Rapport till samordningsgruppen varje kvartal.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    activity = Activity.objects.get(plan=plan)

    # ... adopted at a chefsgrupp meeting (a numbered decision of that meeting) ...
    chefsgrupp = Forum.objects.get(name="Regional chefsgrupp")
    meeting = MeetingFactory(forum=chefsgrupp, title="Regional chefsgrupp december")
    response = secretariat.post(
        reverse("planning:plan_adopt", args=[2025]),
        {"meeting": meeting.pk, "text": "Regional chefsgrupp antar verksamhetsplan 2025."},
    )
    assert response.status_code == 302, response.content.decode()
    plan.refresh_from_db()
    decision = Decision.objects.get(meeting=meeting)
    assert plan.adoption_decision == decision and decision.forum == chefsgrupp

    # ... followed up by the owner's designated contact ...
    response = contacts[huddinge].post(
        reverse("planning:activity_report", args=[activity.pk]),
        {"reported_on": "2025-06-30", "status": "done", "progress": "Tre utbildningstillfällen."},
    )
    assert response.status_code == 302
    overview = secretariat.get(reverse("planning:plan_detail", args=[2025]))
    row = next(r for r in overview.context["areas"] if r.area == area)
    assert (row.total, row.done, row.percent_done) == (1, 1, 100)

    # ... and exported as the year-end follow-up PDF.
    response = secretariat.get(reverse("planning:plan_pdf", args=[2025]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages
    ).replace("\n", " ")
    assert "Årsuppföljning av verksamhetsplan 2025" in text
    assert "Utbildning i säkerhetsskydd för kontaktpersoner" in text
    assert f"Antagen av Regional chefsgrupp, beslut {decision.reference}" in text
    assert "Tre utbildningstillfällen" in text and "1 av 1 aktiviteter klara" in text

    # Minimum levels for 2025, then three actors self-assess.
    subs = list(SubCapability.objects.all())
    response = secretariat.post(
        reverse("planning:minimum_levels", args=[2025]), {f"level_{s.pk}": "3" for s in subs}
    )
    assert response.status_code == 302
    levels = {huddinge: "4", polisen: "3", region: "3"}
    weak = SubCapability.objects.get(name="Målgruppsanpassad samlad lägesbild")
    for actor, level in levels.items():
        data = {f"level_{s.pk}": level for s in subs}
        if actor == polisen:
            data[f"level_{weak.pk}"] = "2"
            data[f"improvement_{weak.pk}"] = "Mall för kortversion av lägesbilden."
        response = contacts[actor].post(reverse("planning:assessment", args=[actor.pk, 2025]), data)
        assert response.status_code == 302, response.content.decode()

    # The matrix shows who falls below the minimum.
    response = secretariat.get(reverse("planning:matrix", args=[2025]) + "?avvikelser=1")
    below = [row.actor for row in response.context["page"].object_list]
    assert below == [polisen]
    assert 'class="num matrix__gap"' in response.content.decode()
    # The actor's own page shows the network's aggregate without other actors' names.
    own = contacts[huddinge].get(reverse("planning:assessment", args=[huddinge.pk, 2025]))
    assert "3 aktörer har bedömt" in own.content.decode()
    assert "Polismyndigheten Region Stockholm" not in own.content.decode()

    # An exercise with two actors produces a lesson whose action is closed.
    response = secretariat.post(
        reverse("planning:exercise_create"),
        {
            "kind": "exercise",
            "title": "Övning Lägesbild 2025",
            "starts_on": "2025-03-12",
            "ends_on": "2025-03-12",
            "actors": [huddinge.pk, polisen.pk],
            "capabilities": [weak.capability_id],
        },
    )
    assert response.status_code == 302, response.content.decode()
    exercise = Exercise.objects.get()
    assert set(exercise.actors.all()) == {huddinge, polisen}
    secretariat.post(
        reverse("planning:exercise_evaluate", args=[exercise.pk]), {"evaluation": "Bra."}
    )
    secretariat.post(
        reverse("planning:lesson_create", args=[exercise.pk]),
        {"text": "Kortversionen av lägesbilden saknades."},
    )
    lesson = exercise.lessons.get()
    response = secretariat.post(
        reverse("planning:action_create", args=[lesson.pk]),
        {
            "title": "Ta fram mall för kortversion",
            "owner": polisen.pk,
            "due_on": "2025-09-30",
            "capability": Capability.objects.get(pk=weak.capability_id).pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    action = LessonAction.objects.get()
    register = contacts[polisen].get(reverse("planning:register") + "?status=open")
    assert "Ta fram mall för kortversion" in register.content.decode()
    response = contacts[polisen].post(
        reverse("planning:action_close", args=[action.pk]), {"note": "Mallen är antagen."}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == LessonAction.Status.DONE
    closed = secretariat.get(reverse("planning:register") + "?status=closed")
    assert [r.title for r in closed.context["page"].object_list] == ["Ta fram mall för kortversion"]
