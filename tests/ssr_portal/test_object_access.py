"""Every object is checked: each URL that takes an object id, requested by a member who must not
see that object, answers 403 or 404 and never shows it.

The walk is generated from the URL conf: a new URL with an argument and no entry below fails
``test_every_url_with_an_argument_is_walked``.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.incidents.cap import world as cap_world
from tests.incidents.conferences import world as conference_world
from tests.incidents.support.world import world_request
from tests.ssr_portal.oidc import world as oidc_world
from tests.urlconf import url_names
from tests.world import MARKER

pytestmark = pytest.mark.django_db


def urls_with_arguments() -> set[str]:
    return url_names(arguments=True)


def pk(key):
    return lambda world: {"pk": world[key].pk}


# URL name -> the kwargs of an object of the world that the outsider must not reach.
GUARDED = {
    "two_factor_reset": lambda w: {"user_id": w["user"].pk},
    "actors:actor_update": pk("actor"),
    "actors:actor_function_add": pk("actor"),
    "actors:actor_function_update": pk("actor_function"),
    "actors:actor_function_remove": pk("actor_function"),
    "actors:function_update": pk("function"),
    "actors:person_update": pk("person"),
    "actors:person_export": pk("person"),
    "actors:person_anonymise": pk("person"),
    "actors:object_history": lambda w: {"label": "forums.forum", "pk": w["forum"].pk},
    "actors:assignment_update": pk("assignment"),
    "actors:identity_provider_update": oidc_world.provider,
    "actors:identity_provider_deactivate": oidc_world.provider,
    "actors:identity_provider_activate": oidc_world.provider,
    "actors:signup_request_approve": oidc_world.signup,
    "actors:signup_request_reject": oidc_world.signup,
    "actors:assignment_end": pk("assignment"),
    "forums:forum_detail": pk("forum"),
    "forums:forum_update": pk("forum"),
    "forums:seat_create": pk("forum"),
    "forums:meeting_create": pk("forum"),
    "forums:decisions_csv": pk("forum"),
    "forums:seat_update": pk("seat"),
    "forums:seat_delete": pk("seat"),
    "forums:cluster_representation_end": pk("cluster_representation"),
    "forums:meeting_detail": pk("meeting"),
    "forums:meeting_update": pk("meeting"),
    "forums:meeting_cancel": pk("meeting"),
    "forums:meeting_ics": pk("meeting"),
    "forums:agenda_item_create": pk("meeting"),
    "forums:attachment_create": pk("meeting"),
    "forums:attendance_edit": pk("meeting"),
    "forums:attendance_csv": pk("meeting"),
    "forums:decision_create": pk("meeting"),
    "forums:action_item_create": pk("meeting"),
    "forums:minutes_detail": pk("meeting"),
    "forums:minutes_generate": pk("meeting"),
    "forums:minutes_edit": pk("meeting"),
    "forums:minutes_approve": pk("meeting"),
    "forums:minutes_pdf": pk("meeting"),
    "forums:meeting_invitation_send": pk("meeting"),
    "forums:agenda_item_update": pk("agenda_item"),
    "forums:attachment_download": pk("attachment"),
    "forums:action_item_status": pk("action_item"),
    "incidents:signal_detail": pk("signal"),
    "incidents:incident_detail": pk("incident"),
    "incidents:incident_forums": pk("incident"),
    "incidents:incident_deactivate": pk("incident"),
    "incidents:incident_follow_up": pk("incident"),
    "incidents:status_set": pk("incident"),
    "incidents:report_create": pk("incident"),
    "incidents:picture": pk("incident"),
    "incidents:picture_live": pk("incident"),
    "incidents:picture_publish": pk("incident"),
    "incidents:direction_create": pk("incident"),
    "incidents:message_create": pk("incident"),
    "incidents:incident_log": pk("incident"),
    "incidents:incident_log_csv": pk("incident"),
    "incidents:incident_log_pdf": pk("incident"),
    "incidents:incident_search": pk("incident"),
    "incidents:picture_pdf": pk("picture"),
    "incidents:support_request_list": pk("incident"),
    "incidents:support_request_create": pk("incident"),
    "incidents:support_picture_panel": pk("incident"),
    "incidents:support_request_detail": lambda w: {"pk": world_request(w).pk},
    "incidents:support_request_action": lambda w: {"pk": world_request(w).pk, "action": "answer"},
    "incidents:direction_acknowledge": pk("direction"),
    "incidents:message_action": lambda w: {"pk": w["message"].pk, "action": "cosign"},
    "incidents:message_edit": pk("message"),
    "incidents:message_withdraw": pk("message"),
    "incidents:board": pk("incident"),
    "incidents:acknowledge_in_portal": pk("incident"),
    "incidents:shift_detail": pk("shift"),
    "incidents:shift_change_decide": pk("shift_change"),
    "incidents:prepared_direction_update": pk("prepared_direction"),
    "incidents:conference_create": pk("incident"),
    "incidents:conference_detail": conference_world.conference,
    "incidents:conference_update": conference_world.conference,
    "incidents:conference_cancel": conference_world.conference,
    "incidents:conference_close": conference_world.conference,
    "incidents:conference_attendance": conference_world.conference,
    "incidents:conference_round": conference_world.conference,
    "incidents:conference_decision": conference_world.conference,
    "incidents:conference_action": conference_world.conference,
    "incidents:conference_action_done": conference_world.conference_action,
    "incidents:conference_protocol_pdf": conference_world.closed_conference,
    "incidents:checklist_item_create": pk("incident"),
    "incidents:checklist_item_state": conference_world.checklist_item,
    "incidents:checklist_item_owner": conference_world.checklist_item,
    "incidents:cap_message": cap_world.message,
    "incidents:cap_export": cap_world.message,
    "incidents:cap_cancel": cap_world.message,
    "notifications:inbox_item": pk("notification"),
    "notifications:outbox_retry": pk("notification"),
    "notifications:webhook_detail": pk("webhook"),
    "notifications:webhook_edit": pk("webhook"),
    "notifications:webhook_pause": pk("webhook"),
    "notifications:webhook_resume": pk("webhook"),
    "notifications:webhook_delete": pk("webhook"),
    "membership:schedule_update": pk("fee_schedule"),
    "membership:agreement_update": pk("agreement"),
    "membership:agreement_document": pk("agreement"),
    "membership:invoice_run": lambda w: {"year": w["year"]},
    "membership:invoice_run_progress": lambda w: {"year": w["year"]},
    "membership:invoice_detail": pk("invoice"),
    "membership:invoice_pdf": pk("invoice"),
    "membership:invoice_xml": pk("invoice"),
    "membership:invoice_send_again": pk("invoice"),
    "membership:sie": lambda w: {"year": w["year"]},
    "membership:csv": lambda w: {"year": w["year"]},
    "membership:reimbursement_decide": pk("reimbursement"),
    "membership:statement": lambda w: {"year": w["year"]},
    "membership:payment_allocate": pk("unmatched_payment"),
    "planning:version_revise": pk("goal_period"),
    "planning:version_update": pk("goal_version"),
    "planning:version_adopt": pk("goal_version"),
    "planning:area_create": pk("goal_version"),
    "planning:area_update": pk("goal_area"),
    "planning:plan_adopt": lambda w: {"year": w["plan"].year},
    "planning:plan_present": lambda w: {"year": w["plan"].year},
    "planning:activity_create": lambda w: {"year": w["plan"].year},
    "planning:activity_update": pk("activity"),
    "planning:activity_report": pk("activity"),
    "planning:minimum_levels": lambda w: {"year": w["plan"].year},
    "planning:assessment": lambda w: {"actor_pk": w["actor"].pk, "year": w["plan"].year},
    "planning:matrix": lambda w: {"year": w["plan"].year},
    "planning:exercise_update": pk("exercise"),
    "planning:exercise_link": pk("exercise"),
    "planning:exercise_activate": pk("exercise"),
    "planning:exercise_evaluate": pk("exercise"),
    "planning:lesson_create": pk("exercise"),
    "planning:action_create": pk("lesson"),
    "planning:action_close": pk("lesson_action"),
    "planning:follow_up_action_close": pk("follow_up_action"),
    "planning:follow_up_action_link": pk("follow_up_action"),
    "api:token_revoke": pk("api_token"),
}

# URLs with an argument that every member may open, and why.
OPEN_TO_MEMBERS = {
    "actors:actor_detail": "the actor directory is the network's shared contact register",
    "actors:person_detail": "people's work contact paths are shared across the network",
    "planning:period_detail": "the goals document steers the whole network",
    "planning:version_detail": "every version of the goals document is the network's",
    "planning:plan_detail": "the operational plan and its progress are the network's",
    "planning:plan_pdf": "the year-end follow-up is reported to the whole network",
    "planning:activity_detail": "the plan's activities and their follow-up are the network's",
    "planning:exercise_detail": "exercises, their evaluation and lessons are shared to learn",
    "incidents:cap_alert_xml": "a CAP alert is a joint message published to the public, read "
    "by alert systems without a login (the public CAP feed links it)",
}

# URLs whose argument is a secret rather than an object id: a guess is refused.
SECRET_ARGUMENTS = {
    "password_reset_confirm": {"uidb64": "MQ", "token": "guess-abc123"},
    "forums:calendar_feed": {"token": "guess-abc123"},
    "incidents:acknowledge": {"token": "guess-abc123"},
    "incidents:signal_acknowledge": {"token": "guess-abc123"},
}


def test_every_url_with_an_argument_is_walked():
    listed = set(GUARDED) | set(OPEN_TO_MEMBERS) | set(SECRET_ARGUMENTS)
    assert urls_with_arguments() - listed == set(), "add the new URL to the object-access walk"
    assert listed - urls_with_arguments() == set(), "a listed URL no longer exists"


@pytest.fixture
def attacker(outsider):
    """A logged-in member of another forum, with a verified second factor."""
    from tests.conftest import verified_login

    return verified_login(Client(), outsider)


def _refused(response) -> bool:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code in (403, 404) and MARKER.encode() not in body


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_a_member_cannot_reach_another_forums_object(name, world, attacker):
    url = reverse(name, kwargs=GUARDED[name](world))
    response = attacker.get(url)
    if response.status_code == 405:  # a POST-only action: try the POST
        response = attacker.post(url, {})
    assert _refused(response), (url, response.status_code)
    if response.status_code != 405:
        response = attacker.post(url, {})
        assert response.status_code in (403, 404, 405), (url, response.status_code)


@pytest.mark.parametrize("name", sorted(SECRET_ARGUMENTS))
def test_a_guessed_secret_opens_nothing(name, world, attacker, anonymous):
    url = reverse(name, kwargs=SECRET_ARGUMENTS[name])
    for client in (attacker, anonymous):
        response = client.get(url)
        body = response.content
        assert MARKER.encode() not in body
        assert response.status_code in (200, 302, 400, 403, 404)  # a page saying the link is bad
        if response.status_code == 200:
            assert b"BEGIN:VEVENT" not in body


def test_the_world_is_visible_to_its_own_people(world, holder):
    """The walk proves something: the holder does reach the objects the outsider cannot."""
    from tests.conftest import verified_login

    client = verified_login(Client(), holder)
    for name in ("forums:forum_detail", "forums:meeting_detail", "incidents:incident_detail"):
        response = client.get(reverse(name, kwargs=GUARDED[name](world)))
        assert response.status_code == 200
        assert MARKER.encode() in response.content, name
