"""Bad input: generated data posted to every form of the portal, as a user allowed to use it.

The forms are found by walking the URL conf (every URL without an argument, and every URL of
the object-access walk with an object of the world): a page whose response carries a Django
form is fuzzed. No answer may be a 500 (the test client re-raises any exception), nothing
invalid may be stored, and markup in text fields must come back escaped.
"""

import string

import pytest
from django import forms
from django.db import models
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.incidents.cap import world as cap_world
from tests.ssr_portal.test_object_access import GUARDED, SECRET_ARGUMENTS
from tests.urlconf import url_names

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
EXAMPLES = 8

# Pages that are not forms people fill in, or that act at once on a GET (nothing to post).
NOT_FORMS = {
    "healthz",
    "healthz_ready",
    "service_worker",
    "logout",
    "set_language",
    "login",  # fuzzed separately: generated passwords would lock the account (by design)
    "two_factor_verify",
    "two_factor_setup",
    "password_reset",  # sends mail through the outbox; covered by tests/ssr_portal
    "incidents:support_picture_panel",  # an htmx fragment of the picture page, no form
    "forums:minutes_pdf",  # a PDF download
    "incidents:conference_protocol_pdf",  # a PDF download
}


def _all_names() -> list[str]:
    return sorted(url_names() - set(SECRET_ARGUMENTS) - NOT_FORMS)


def _text(max_length: int | None):
    limit = max_length or 2000
    return st.one_of(
        st.just(""),
        st.just(SCRIPT),
        st.text(alphabet=string.printable + "åäöÅÄÖ€\u200b", max_size=min(limit, 60)),
        st.text(min_size=1, max_size=20).map(lambda s: s + "\x00"),
        st.integers(min_value=1, max_value=400).map(lambda n: "x" * (limit + n)),
    )


def _value(field: forms.Field):
    """A strategy of posted values for one form field: valid-looking, wrong and extreme."""
    junk = st.one_of(st.just(""), st.just(SCRIPT), st.text(max_size=12), st.just("-1"))
    if isinstance(field, forms.ModelMultipleChoiceField):
        choices = [str(v) for v, _label in field.choices if v != ""][:5]
        return st.lists(st.sampled_from(choices + ["999999", "x"]), max_size=3)
    if isinstance(field, forms.MultipleChoiceField):
        choices = [str(v) for v, _label in field.choices][:8]
        return st.lists(st.sampled_from(choices + ["nope"]), max_size=3)
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        choices = [str(getattr(v, "value", v)) for v, _label in field.choices if v != ""][:8]
        return st.one_of(st.sampled_from(choices) if choices else junk, junk, st.just("999999"))
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "false", "1"])
    if isinstance(field, forms.SplitDateTimeField):
        return st.just("")
    if isinstance(field, forms.DateTimeField):
        return st.one_of(
            st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
            st.sampled_from(["2026-02-30T10:00", "0000-00-00T00:00", "99999-01-01T00:00"]),
            junk,
        )
    if isinstance(field, forms.DateField):
        return st.one_of(
            st.dates().map(lambda d: d.isoformat()),
            st.sampled_from(["2026-02-30", "0000-01-01", "9999-12-31", "26-1-1"]),
            junk,
        )
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.one_of(
            st.integers(min_value=-(10**20), max_value=10**20).map(str),
            st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
            junk,
        )
    if isinstance(field, forms.FileField):
        return st.just("")
    return _text(getattr(field, "max_length", None))


def _forms_in(response) -> list[forms.BaseForm]:
    found = []
    context = response.context
    if context is None:
        return found
    values = (
        [context[key] for key in context.keys()]  # noqa: SIM118  (a ContextList)
        if hasattr(context, "keys")
        else list(context.flatten().values())
    )
    for value in values:
        if isinstance(value, forms.BaseForm) and value not in found:
            found.append(value)
    return found


def _invalid_rows(model: type[models.Model]) -> list:
    bad = []
    for obj in model._default_manager.all()[:500]:
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except Exception as exc:  # noqa: BLE001  (any validation failure is a finding)
            bad.append((obj.pk, exc))
    return bad


@pytest.fixture
def people(world, holder, secretariat_user):
    from tests.conftest import verified_login

    users = (secretariat_user, holder, world["rsib"], world["rkk"])
    return world, [verified_login(Client(), user) for user in users]


OPEN_PAGES = {
    "actors:actor_detail": lambda w: {"pk": w["actor"].pk},
    "actors:person_detail": lambda w: {"pk": w["person"].pk},
    "planning:period_detail": lambda w: {"pk": w["goal_period"].pk},
    "planning:version_detail": lambda w: {"pk": w["goal_version"].pk},
    "planning:plan_detail": lambda w: {"year": w["plan"].year},
    "planning:plan_pdf": lambda w: {"year": w["plan"].year},
    "planning:activity_detail": lambda w: {"pk": w["activity"].pk},
    "planning:exercise_detail": lambda w: {"pk": w["exercise"].pk},
    "incidents:cap_alert_xml": cap_world.alert,
}
# Names that actions without a page of their own read from a POST (their forms sit on other
# pages); posted with generated values in any combination.
ACTION_FIELDS = ["actor", "status", "approve", "ends_on", "next", "reason", "note", "action"]


def _url(name: str, world: dict) -> str:
    kwargs = {**GUARDED, **OPEN_PAGES}[name](world) if name in {**GUARDED, **OPEN_PAGES} else {}
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # pragma: no cover - the object-access walk checks every name
        pytest.fail(f"{name} cannot be reversed")


@pytest.mark.parametrize("name", _all_names())
def test_generated_input_never_breaks_a_form(name, people):
    world, clients = people
    url = _url(name, world)
    for client in clients:  # the first role allowed to open the page fills in its forms
        response = client.get(url)
        if response.status_code == 200:
            break
    else:  # an action without a page (POST only): the secretariat, then the others, post junk
        _fuzz_action(url, clients)
        return
    page_forms = [f for f in _forms_in(response) if f.fields]
    if not page_forms or response.get("Content-Type", "").split(";")[0] != "text/html":
        # A page without a form (a list, a download): a stray POST changes nothing and breaks
        # nothing either.
        answer = client.post(url, {"x": SCRIPT})
        assert answer.status_code in (200, 302, 400, 403, 405), url
        return
    # Model forms: the rows of their model must stay valid whatever is posted.
    touched = {type(f.instance) for f in page_forms if isinstance(f, forms.BaseModelForm)}

    for form in page_forms:
        fields = {form.add_prefix(n): f for n, f in form.fields.items() if not f.disabled}
        strategy = st.fixed_dictionaries({key: _value(field) for key, field in fields.items()})

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(data=strategy)
        def post(data):
            answer = client.post(url, data)
            assert answer.status_code < 500, (url, data)
            if answer.status_code in (301, 302) and answer["Location"].startswith("/"):
                page = client.get(answer["Location"])
                if page.get("Content-Type", "").startswith("text/html"):
                    assert SCRIPT.encode() not in page.content, (url, data)
            else:
                content = answer.content if not answer.streaming else b""
                assert SCRIPT.encode() not in content, (url, data)
            for model in touched:
                assert _invalid_rows(model) == [], (url, model, data)

        post()


def _fuzz_action(url: str, clients: list[Client]) -> None:
    values = st.one_of(_text(200), st.sampled_from(["1", "0", "approve", "reject", "paid"]))
    strategy = st.dictionaries(st.sampled_from(ACTION_FIELDS), values, max_size=4)
    statuses = set()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=strategy)
    def post(data):
        for client in clients:
            answer = client.post(url, data)
            statuses.add(answer.status_code)
            assert answer.status_code < 500, (url, data)
            assert SCRIPT.encode() not in (b"" if answer.streaming else answer.content)

    post()
    assert statuses, url


def test_the_walk_finds_the_portals_forms():
    """The fuzzing covers the portal: the walk includes the main forms."""
    names = set(_all_names())
    for expected in (
        "actors:actor_create",
        "actors:person_update",
        "forums:meeting_create",
        "incidents:report_create",
        "membership:invoice_detail",
    ):
        assert expected in names
