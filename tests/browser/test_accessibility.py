"""axe-core on every page each role can reach, generated from the URL conf.

Every named URL pattern is either in ``PAGES`` (visited in Chromium by each role listed, with
real objects, and checked by axe at the WCAG 2.0/2.1 A and AA tags) or in ``EXCLUDED`` with the
reason it is not a page. A new pattern in neither list fails ``test_every_url_is_walked_or_
excluded`` (which runs without a browser too). Pages marked ``invalid`` are also submitted empty,
so their validation errors are checked as well; the error pages are walked by their own test.
"""

import pytest
from django.urls import reverse

from tests.browser.conftest import (
    ANON,
    CONTACT,
    DESKTOP,
    MEMBER,
    MOBILE,
    RKK,
    RSIB,
    SEC,
    axe_violations,
    no_horizontal_scroll,
    screenshot,
    too_wide,
)
from tests.urlconf import url_names

EVERY_MEMBER = (MEMBER, SEC)
COORDINATORS = (RSIB, SEC)

# name: (path arguments from the world, roles that visit it, options)
PAGES: dict[str, tuple[dict, tuple, dict]] = {
    # site
    "home": ({}, EVERY_MEMBER, {}),
    "accessibility": ({}, (ANON, MEMBER), {}),
    "login": ({}, (ANON,), {"invalid": True}),
    "password_change": ({}, (MEMBER,), {"invalid": True}),
    "password_change_done": ({}, (MEMBER,), {}),
    "password_reset": ({}, (ANON,), {"invalid": True}),
    "password_reset_done": ({}, (ANON,), {}),
    "password_reset_confirm": ({"uidb64": "reset_uid", "token": "reset_token"}, (ANON,), {}),
    "password_reset_complete": ({}, (ANON,), {}),
    "lockouts": ({}, (SEC,), {}),
    "two_factor_verify": ({}, ("unverified",), {"invalid": True}),
    "two_factor_setup": ({}, ("unenrolled",), {"invalid": True}),
    "two_factor_reset": ({"user_id": "member_login"}, (SEC,), {"invalid": True}),
    # actors
    "actors:actor_list": ({}, EVERY_MEMBER, {}),
    "actors:actor_create": ({}, (SEC,), {"invalid": True}),
    "actors:actor_detail": ({"pk": "actor"}, EVERY_MEMBER, {}),
    "actors:actor_update": ({"pk": "actor"}, (SEC,), {}),
    "actors:actor_function_add": ({"pk": "actor"}, (SEC,), {"invalid": True}),
    "actors:actor_function_update": ({"pk": "actor_function"}, (SEC,), {}),
    "actors:actor_function_remove": ({"pk": "spare_function"}, (SEC,), {}),
    "actors:population_import": ({}, (SEC,), {"invalid": True}),
    "actors:function_list": ({}, EVERY_MEMBER, {}),
    "actors:function_create": ({}, (SEC,), {"invalid": True}),
    "actors:function_update": ({"pk": "function"}, (SEC,), {}),
    "actors:person_list": ({}, EVERY_MEMBER, {}),
    "actors:person_create": ({}, (SEC,), {"invalid": True}),
    "actors:person_detail": ({"pk": "person"}, EVERY_MEMBER, {}),
    "actors:person_update": ({"pk": "person"}, (SEC,), {}),
    "actors:assignment_create": ({}, (SEC,), {"invalid": True}),
    "actors:assignment_update": ({"pk": "assignment"}, (SEC,), {}),
    "actors:assignment_end": ({"pk": "assignment"}, (SEC,), {}),
    "actors:person_anonymise": ({"pk": "person"}, (SEC,), {}),
    "actors:audit_search": ({}, (SEC,), {}),
    "actors:object_history": ({"label": "actor_label", "pk": "actor"}, (SEC,), {}),
    # forums and meetings
    "forums:forum_list": ({}, EVERY_MEMBER, {}),
    "forums:forum_create": ({}, (SEC,), {"invalid": True}),
    "forums:forum_detail": ({"pk": "forum"}, EVERY_MEMBER, {}),
    "forums:forum_update": ({"pk": "forum"}, (SEC,), {}),
    "forums:seat_create": ({"pk": "forum"}, (SEC,), {"invalid": True}),
    "forums:seat_update": ({"pk": "seat"}, (SEC,), {}),
    "forums:seat_delete": ({"pk": "seat"}, (SEC,), {}),
    "forums:cluster_representation_list": ({}, (SEC,), {}),
    "forums:meeting_create": ({"pk": "forum"}, (SEC,), {"invalid": True}),
    "forums:meeting_detail": ({"pk": "meeting"}, EVERY_MEMBER, {}),
    "forums:meeting_update": ({"pk": "meeting"}, (SEC,), {}),
    "forums:meeting_cancel": ({"pk": "meeting"}, (SEC,), {}),
    "forums:agenda_item_create": ({"pk": "meeting"}, (SEC,), {"invalid": True}),
    "forums:agenda_item_update": ({"pk": "agenda_item"}, (SEC,), {}),
    "forums:attachment_create": ({"pk": "meeting"}, (SEC,), {"invalid": True}),
    "forums:attendance_edit": ({"pk": "meeting"}, (SEC,), {}),
    "forums:decision_create": ({"pk": "meeting"}, (SEC,), {"invalid": True}),
    "forums:action_item_create": ({"pk": "meeting"}, (SEC,), {"invalid": True}),
    "forums:minutes_detail": ({"pk": "meeting"}, EVERY_MEMBER, {}),
    "forums:minutes_edit": ({"pk": "meeting"}, (SEC,), {}),
    "forums:minutes_approve": ({"pk": "meeting"}, (SEC,), {}),
    "forums:meeting_invitation_send": ({"pk": "meeting"}, (SEC,), {}),
    "forums:action_item_status": ({"pk": "action_item"}, (SEC,), {}),
    "forums:calendar_settings": ({}, EVERY_MEMBER, {}),
    "forums:meeting_search": ({}, EVERY_MEMBER, {}),
    # incidents
    "incidents:incident_list": ({}, (MEMBER, RSIB, SEC), {}),
    "incidents:signal_create": ({}, (MEMBER,), {"invalid": True}),
    # The member is the world's signaller: her page shows who has seen the signal.
    "incidents:signal_detail": ({"pk": "signal"}, (MEMBER, RSIB, SEC), {}),
    "incidents:incident_activate": ({}, COORDINATORS, {"invalid": True}),
    "incidents:register": ({}, COORDINATORS, {}),
    "incidents:statistics": ({}, COORDINATORS, {}),
    "incidents:incident_search": ({"pk": "incident"}, (MEMBER, SEC), {}),
    "incidents:incident_detail": ({"pk": "incident"}, (MEMBER, RSIB, RKK, SEC), {}),
    "incidents:incident_forums": ({"pk": "incident"}, COORDINATORS, {}),
    "incidents:incident_deactivate": ({"pk": "incident"}, COORDINATORS, {}),
    "incidents:incident_follow_up": ({"pk": "incident"}, COORDINATORS, {"invalid": True}),
    "incidents:report_create": ({"pk": "incident"}, (MEMBER,), {"invalid": True}),
    "incidents:picture": ({"pk": "incident"}, (MEMBER, RSIB), {}),
    "incidents:picture_publish": ({"pk": "incident"}, (RSIB,), {"invalid": True}),
    "incidents:direction_create": ({"pk": "incident"}, COORDINATORS, {"invalid": True}),
    "incidents:message_create": ({"pk": "incident"}, (RKK,), {"invalid": True}),
    "incidents:message_edit": ({"pk": "message"}, (RKK,), {"invalid": True}),
    "incidents:message_withdraw": ({"pk": "message"}, (RKK,), {"invalid": True}),
    "incidents:incident_log": ({"pk": "incident"}, (MEMBER, RSIB), {}),
    "incidents:support_request_list": ({"pk": "incident"}, (MEMBER, RSIB), {}),
    "incidents:support_request_create": ({"pk": "incident"}, (MEMBER, RSIB), {"invalid": True}),
    "incidents:board": ({"pk": "incident"}, COORDINATORS, {}),
    "incidents:acknowledge": ({"token": "ack_token"}, (ANON,), {}),
    "incidents:signal_acknowledge": ({"token": "signal_ack_token"}, (ANON,), {}),
    "incidents:roster": ({}, (MEMBER, SEC), {}),
    "incidents:shift_create": ({}, (SEC,), {"invalid": True}),
    "incidents:shift_detail": ({"pk": "shift"}, (RSIB, SEC), {}),
    "incidents:roster_hours": ({}, (SEC,), {}),
    "incidents:prepared_direction_list": ({}, EVERY_MEMBER, {}),
    "incidents:prepared_direction_create": ({}, (SEC,), {"invalid": True}),
    "incidents:prepared_direction_update": ({"pk": "prepared"}, (SEC,), {}),
    "incidents:event_type_create": ({}, (SEC,), {"invalid": True}),
    "incidents:conference_create": ({"pk": "incident"}, COORDINATORS, {"invalid": True}),
    "incidents:checklist_item_create": ({"pk": "incident"}, COORDINATORS, {"invalid": True}),
    # notifications
    "notifications:inbox": ({}, EVERY_MEMBER, {}),
    "notifications:inbox_item": ({"pk": "inbox_item"}, (MEMBER,), {}),
    "notifications:preferences": ({}, EVERY_MEMBER, {}),
    "notifications:outbox": ({}, (SEC,), {}),
    "notifications:webhook_list": ({}, (SEC,), {}),
    "notifications:webhook_create": ({}, (SEC,), {"invalid": True}),
    "notifications:webhook_detail": ({"pk": "webhook"}, (SEC,), {}),
    "notifications:webhook_edit": ({"pk": "webhook"}, (SEC,), {"invalid": True}),
    "notifications:webhook_delete": ({"pk": "webhook"}, (SEC,), {}),
    # planning (ordinary mode: goals, the operational plan, capabilities, exercises, lessons)
    "planning:settings_update": ({}, (SEC,), {}),
    "planning:period_list": ({}, EVERY_MEMBER, {}),
    "planning:period_detail": ({"pk": "goal_period"}, EVERY_MEMBER, {}),
    "planning:version_detail": ({"pk": "goal_version"}, EVERY_MEMBER, {}),
    "planning:version_revise": ({"pk": "goal_period"}, (SEC,), {}),
    "planning:version_update": ({"pk": "goal_version"}, (SEC,), {}),
    "planning:version_adopt": ({"pk": "goal_version"}, (SEC,), {}),
    "planning:area_create": ({"pk": "goal_version"}, (SEC,), {"invalid": True}),
    "planning:area_update": ({"pk": "goal_area"}, (SEC,), {}),
    "planning:plan_list": ({}, EVERY_MEMBER, {}),
    "planning:plan_create": ({}, (SEC,), {}),
    "planning:plan_detail": ({"year": "plan_year"}, EVERY_MEMBER, {}),
    "planning:plan_adopt": ({"year": "plan_year"}, (SEC,), {}),
    "planning:plan_present": ({"year": "plan_year"}, (SEC,), {}),
    "planning:activity_create": ({"year": "plan_year"}, (SEC,), {"invalid": True}),
    "planning:activity_detail": ({"pk": "activity"}, EVERY_MEMBER, {}),
    "planning:activity_update": ({"pk": "activity"}, (SEC,), {}),
    "planning:activity_report": ({"pk": "activity"}, (SEC,), {}),
    "planning:capability_list": ({}, EVERY_MEMBER, {}),
    "planning:minimum_levels": ({"year": "plan_year"}, (SEC,), {}),
    "planning:assessment_index": ({}, (SEC,), {}),
    "planning:assessment": ({"actor_pk": "actor", "year": "plan_year"}, (SEC,), {}),
    "planning:matrix": ({"year": "plan_year"}, (SEC,), {}),
    "planning:exercise_list": ({}, EVERY_MEMBER, {}),
    "planning:exercise_create": ({}, (SEC,), {"invalid": True}),
    "planning:exercise_detail": ({"pk": "exercise"}, EVERY_MEMBER, {}),
    "planning:exercise_update": ({"pk": "exercise"}, (SEC,), {}),
    "planning:exercise_link": ({"pk": "exercise"}, (SEC,), {}),
    "planning:exercise_activate": ({"pk": "exercise"}, (SEC,), {}),
    "planning:exercise_evaluate": ({"pk": "exercise"}, (SEC,), {}),
    "planning:lesson_create": ({"pk": "exercise"}, (SEC,), {"invalid": True}),
    "planning:register": ({}, (SEC,), {}),
    "planning:action_create": ({"pk": "lesson"}, (SEC,), {"invalid": True}),
    "planning:action_close": ({"pk": "lesson_action"}, (SEC,), {}),
    "planning:follow_up_action_link": ({"pk": "follow_up_action"}, (SEC,), {}),
    "planning:follow_up_action_close": ({"pk": "follow_up_action"}, (SEC,), {}),
    # membership
    "membership:overview": ({}, (SEC,), {}),
    "membership:schedule_create": ({}, (SEC,), {"invalid": True}),
    "membership:schedule_update": ({"pk": "schedule"}, (SEC,), {}),
    "membership:agreement_create": ({}, (SEC,), {"invalid": True}),
    "membership:agreement_update": ({"pk": "agreement"}, (SEC,), {}),
    "membership:invoice_run": ({"year": 2026}, (SEC,), {}),
    "membership:invoice_list": ({}, (SEC,), {}),
    "membership:invoice_detail": ({"pk": "invoice"}, (CONTACT, SEC), {}),
    "membership:invoice_send_again": ({"pk": "invoice"}, (SEC,), {}),
    "membership:my_invoices": ({}, (CONTACT, MEMBER), {}),
    "membership:bgmax": ({}, (SEC,), {"invalid": True}),
    "membership:reimbursements": ({}, (SEC,), {"invalid": True}),
    "membership:statement": ({"year": 2026}, (SEC,), {}),
    "membership:seller_settings": ({}, (SEC,), {"invalid": True}),
    "membership:unmatched_payments": ({}, (SEC,), {}),
    "membership:payment_allocate": ({"pk": "unmatched_payment"}, (SEC,), {"invalid": True}),
    # api (the tokens of the actors' systems)
    "api:token_list": ({}, (SEC,), {}),
    "api:token_create": ({}, (SEC,), {"invalid": True}),
    "api:token_revoke": ({"pk": "api_token"}, (SEC,), {}),
}

CONFERENCE_AXE = "axe-checked in tests/incidents/conferences/test_accessibility.py"
OIDC_AXE = "axe-checked in tests/browser/test_journey_oidc.py (needs the test OIDC provider)"
CAP_AXE = "axe-checked in tests/incidents/cap/test_accessibility.py (needs a published message)"

EXCLUDED = {
    "healthz": "JSON for load balancers, not a page",
    "healthz_ready": "JSON for load balancers, not a page",
    "service_worker": "JavaScript (the offline picture's service worker), not a page; "
    "tests/browser/test_mobile.py runs it",
    "logout": "POST-only (log out)",
    "logout_everywhere": "POST-only (log out on every device)",
    "set_language": "POST-only (language switch; its form is in every page's footer)",
    "actors:person_export": "JSON download (a person's data, GDPR)",
    "oidc_start": "POST-only (the login page's second form); " + OIDC_AXE,
    "oidc_callback": "the provider's redirect back; its refusal page is " + OIDC_AXE,
    "oidc_pending": OIDC_AXE,
    "actors:identity_provider_list": OIDC_AXE,
    "actors:identity_provider_create": OIDC_AXE,
    "actors:identity_provider_update": OIDC_AXE,
    "actors:identity_provider_deactivate": OIDC_AXE,
    "actors:identity_provider_activate": OIDC_AXE,
    "actors:signup_request_list": OIDC_AXE,
    "actors:signup_request_approve": OIDC_AXE,
    "actors:signup_request_reject": OIDC_AXE,
    "forums:decisions_csv": "CSV download",
    "forums:meeting_ics": "iCalendar download",
    "forums:attendance_csv": "CSV download",
    "forums:attachment_download": "file download",
    "forums:minutes_pdf": "PDF download (the approved minutes)",
    "forums:calendar_feed": "iCalendar feed for calendar apps",
    "forums:minutes_generate": "POST-only (generates the minutes)",
    "forums:cluster_representation_end": "POST-only (ends a cluster representation)",
    "incidents:register_csv": "CSV download",
    "incidents:statistics_csv": "CSV download",
    "incidents:incident_log_csv": "CSV download",
    "incidents:incident_log_pdf": "PDF download",
    "incidents:picture_pdf": "PDF download (opened by journey 3)",
    "incidents:picture_live": "htmx fragment of the picture page; axe checks it swapped into "
    "the page in test_live_situation_picture_is_accessible_after_an_update",
    "incidents:status_set": "POST-only (actor status)",
    "incidents:direction_acknowledge": "POST-only (acknowledge a direction)",
    "incidents:message_action": "POST-only (co-sign, approve, publish a joint message)",
    "incidents:shift_change_decide": "POST-only (approve or refuse a shift change)",
    "incidents:acknowledge_in_portal": "POST-only (acknowledge an alert in the portal)",
    # The conference and checklist pages need a conference or an item of the world; axe runs on
    # them (for the coordinator and a member, at 375 px) in the module CONFERENCE_AXE names.
    "incidents:conference_detail": CONFERENCE_AXE,
    "incidents:conference_update": CONFERENCE_AXE,
    "incidents:conference_cancel": CONFERENCE_AXE,
    "incidents:conference_close": CONFERENCE_AXE,
    "incidents:checklist_item_owner": CONFERENCE_AXE,
    "incidents:conference_attendance": "POST-only (attendance of a conference)",
    "incidents:conference_round": "POST-only (an actor's turn in the status round)",
    "incidents:conference_decision": "POST-only (a decision of a conference)",
    "incidents:conference_action": "POST-only (an action of a conference)",
    "incidents:conference_action_done": "POST-only (mark a conference action done)",
    "incidents:conference_protocol_pdf": "PDF download (the conference protocol)",
    "incidents:checklist_item_state": "POST-only (tick a checklist item); " + CONFERENCE_AXE,
    "incidents:support_request_action": "POST-only (answer, deliver or close a request)",
    "incidents:cap_message": CAP_AXE,
    "incidents:cap_export": CAP_AXE,
    "incidents:cap_cancel": CAP_AXE,
    "incidents:cap_alert_xml": "CAP XML download (an alert as sent)",
    "incidents:cap_feed": "Atom feed (XML) of the CAP alerts, for alert systems",
    "incidents:support_picture_panel": "htmx fragment of the picture page (axe checks the picture "
    "page, which includes it)",
    "incidents:support_request_detail": "needs a request, which the walk's world has not: "
    "tests/incidents/support/test_browser.py runs axe on it for the asker and the asked",
    "notifications:inbox_read_all": "POST-only (mark all read)",
    "notifications:outbox_retry": "POST-only (send a failed message again)",
    "notifications:webhook_pause": "POST-only (pause a webhook subscription)",
    "notifications:webhook_resume": "POST-only (resume a webhook subscription)",
    "membership:invoice_run_progress": "htmx fragment of the invoice run page; journey 5 "
    "watches it reach 100 %",
    "membership:invoice_pdf": "PDF download (journey 5)",
    "membership:invoice_xml": "Peppol XML download",
    "planning:plan_pdf": "PDF download (the plan's yearly follow-up)",
    "membership:agreement_document": "file download (the signed agreement)",
    "membership:sie": "SIE download",
    "membership:csv": "CSV download",
    "membership:reimbursement_decide": "POST-only (decide a reimbursement claim)",
}


def test_every_url_is_walked_or_excluded():
    names = url_names()
    assert not set(PAGES) & set(EXCLUDED), "a pattern is both walked and excluded"
    missing = names - set(PAGES) - set(EXCLUDED)
    assert not missing, f"new pages without an axe check (add them to PAGES or EXCLUDED): {missing}"
    stale = (set(PAGES) | set(EXCLUDED)) - names
    assert not stale, f"walked or excluded patterns that no longer exist: {stale}"
    assert all(EXCLUDED.values()), "every exclusion says why"


def page_url(name: str, arguments: dict, objects: dict) -> str:
    kwargs = {}
    for key, value in arguments.items():
        if isinstance(value, int):
            kwargs[key] = value
        else:
            found = objects[value]
            kwargs[key] = found if isinstance(found, str | int) else found.pk
    return reverse(name, kwargs=kwargs)


def submit_empty(page) -> None:
    """Clear the page's data-entry form (the one with ``novalidate``) and send it."""
    form = page.locator("main form[novalidate]").first
    fields = form.locator("textarea, input[type=text], input[type=number], input[type=email]")
    for field in fields.all():
        field.fill("")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()


ROLES = sorted({role for _args, roles, _opts in PAGES.values() for role in roles})
CHUNK = 35  # pages per test, so parallel test processes share the walk evenly
WALK = [
    (role, names[start : start + CHUNK])
    for role in ROLES
    for names in [[name for name, spec in PAGES.items() if role in spec[1]]]
    for start in range(0, len(names), CHUNK)
]


def test_every_page_is_visited_by_some_role():
    assert all(roles for _args, roles, _opts in PAGES.values())


def test_the_walk_visits_every_page_for_every_role_listed():
    walked = [(role, name) for role, names in WALK for name in names]
    listed = [(role, name) for name, spec in PAGES.items() for role in spec[1]]
    assert sorted(walked) == sorted(listed)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("role", "names"), WALK, ids=[f"{role}-{i}" for i, (role, _n) in enumerate(WALK)]
)
def test_every_page_passes_axe_at_375_px_for_every_role_that_reaches_it(
    role, names, world, new_context
):
    # At a phone's 375 px: axe, and the page itself never scrolls sideways.
    context = new_context(
        world["users"].get(role),
        viewport=MOBILE,
        verified=role not in ("unverified", "unenrolled"),
    )
    page = context.new_page()
    failures: list[str] = []
    for name in names:
        arguments, _roles, options = PAGES[name]
        url = page_url(name, arguments, world["objects"])
        response = page.goto(url)
        if response.status >= 400:
            failures.append(f"{role} {url}: HTTP {response.status}")
            continue
        if not no_horizontal_scroll(page):
            failures.append(f"{role} {url}: scrolls sideways at 375 px: {too_wide(page)}")
        failures.extend(f"{role} {line}" for line in axe_violations(page))
        if options.get("invalid"):
            submit_empty(page)
            if not page.locator(".error-summary, .field__error").count():
                failures.append(f"{role} {url}: an empty form showed no errors")
            failures.extend(f"{role} (errors) {line}" for line in axe_violations(page))
    assert not failures, "\n".join(failures)


@pytest.mark.browser
def test_error_pages_pass_axe(world, new_context):
    page = new_context(world["users"][MEMBER]).new_page()
    failures = []
    for url, status in (
        ("/finns-inte/", 404),
        (reverse("membership:overview"), 403),
        (reverse("incidents:acknowledge", args=["trasig-länk"]), 404),
        (reverse("actors:person_list") + "?q=%00", 400),  # templates/400.html
    ):
        response = page.goto(url)
        assert response.status == status, url
        failures.extend(axe_violations(page))
    assert not failures, "\n".join(failures)


@pytest.mark.browser
def test_the_axe_check_catches_a_violation_on_a_portal_page(new_context):
    """The walk's check can fail: an image without alt text and grey-on-white text are caught."""
    page = new_context().new_page()
    page.goto(reverse("accessibility"))
    assert axe_violations(page) == []
    page.evaluate(
        """() => {
        const img = document.createElement('img'); img.src = '/static/favicon.svg';
        const p = document.createElement('p'); p.textContent = 'Svag kontrast';
        p.style.color = '#bbbbbb';
        document.querySelector('main').append(img, p);
    }"""
    )
    found = " ".join(axe_violations(page))
    assert "image-alt" in found and "color-contrast" in found, found


@pytest.mark.browser
def test_server_error_page_passes_axe(new_context):
    """500.html is plain HTML (no template tags can fail there); check it as served."""
    from pathlib import Path

    from django.conf import settings as django_settings

    page = new_context().new_page()
    page.goto(reverse("accessibility"))
    html = (Path(django_settings.BASE_DIR) / "templates" / "500.html").read_text()
    page.set_content(html)
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["1280px", "375px"])
def test_forum_page_screenshots_at_both_widths(world, new_context, viewport):
    """The forum page as a seat holder and as the secretariat, kept in test-artifacts/."""
    for role in (MEMBER, SEC):
        page = new_context(world["users"][role], viewport=viewport).new_page()
        page.goto(world["objects"]["forum"].get_absolute_url())
        assert no_horizontal_scroll(page), too_wide(page)
        assert axe_violations(page) == []
        screenshot(page, f"forum-{role}-{viewport['width']}px")
