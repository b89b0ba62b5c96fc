"""The portal's form renderer writes select boxes in Python: the markup must be Django's own,
byte for byte, for every kind of choice, attribute and language; other widgets and selects with
templates of their own are left to Django's templates."""

import datetime
import decimal

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from actors.forms import DirectoryFilterForm
from core import renderers
from core.renderers import PortalFormRenderer
from tests.factories import ClusterFactory

PORTAL = PortalFormRenderer()
DJANGO = DjangoTemplates()


def both(widget: forms.Widget, value, name: str = "field", attrs=None) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=attrs, renderer=PORTAL),
        widget.render(name, value, attrs=attrs, renderer=DJANGO),
    )


def test_the_portal_renders_its_forms_with_this_renderer():
    assert settings.FORM_RENDERER == "core.renderers.PortalFormRenderer"
    assert isinstance(get_default_renderer(), PortalFormRenderer)


HOSTILE = [
    ("", "---------"),
    ("a&b", 'Tom & "Jerry" <script>alert(1)</script>'),
    ("'quoted'", "It's"),
    (7, 7),
    ("date", datetime.date(2026, 12, 3)),
    ("amount", decimal.Decimal("1234.50")),
    ("lazy", _("Search")),
    (mark_safe("<b>safe</b>"), mark_safe("<i>safe label</i>")),
]


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("value", [None, "", "a&b", 7, "lazy", "missing"])
def test_a_select_is_djangos_markup_byte_for_byte(language, value):
    widget = forms.Select(choices=HOSTILE, attrs={"class": "wide", "data-x": '"<&>"'})
    with translation.override(language):
        portal, django = both(widget, value, attrs={"id": "id_field", "required": True})
    assert portal == django
    assert "<select" in portal and "</option>" in portal


def test_option_groups_disabled_options_and_boolean_attributes_are_djangos_markup():
    class Marked(forms.Select):
        def create_option(self, name, value, *args, **kwargs):
            option = super().create_option(name, value, *args, **kwargs)
            option["attrs"].update({"disabled": value == "b", "data-zero": 0, "hidden": False})
            return option

    widget = Marked(
        choices=[
            ("", "None"),
            (_("Kind"), [("a", "A & a"), ("b", "B")]),
            ("Second <group>", [(1, "one"), (2, "two")]),
        ],
        attrs={"autofocus": True, "disabled": False, "size": 3},
    )
    for value in ("", "a", "b", 2):
        portal, django = both(widget, value)
        assert portal == django
    assert (
        '<option value="b" disabled data-zero="0">B</option>' in portal
        and 'data-zero="0"' in portal
        and "hidden" not in portal
    )
    assert '<optgroup label="Second &lt;group&gt;">' in portal


def test_multiple_and_null_boolean_selects_are_djangos_markup():
    multiple = forms.SelectMultiple(choices=HOSTILE)
    assert len({*both(multiple, ["a&b", "7", "date"])}) == 1
    assert "multiple" in both(multiple, ["7"])[0]
    for value in (None, True, False, "unknown"):
        assert len({*both(forms.NullBooleanSelect(), value)}) == 1


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    choices=st.lists(st.tuples(st.text(max_size=12), st.text(max_size=20)), max_size=6),
    name=st.text(min_size=1, max_size=10),
    chosen=st.text(max_size=12),
)
def test_any_text_in_choices_and_names_gives_djangos_markup(choices, name, chosen):
    widget = forms.Select(choices=choices)
    portal, django = both(widget, chosen, name=name)
    assert portal == django


@pytest.mark.django_db
def test_a_whole_form_with_a_model_choice_renders_as_with_django():
    ClusterFactory(name="Södertörn & Co")
    ClusterFactory(name="Norrort")
    data = {"kind": "municipality", "q": "<x>"}
    portal = DirectoryFilterForm(data, renderer=PORTAL)
    django = DirectoryFilterForm(data, renderer=DJANGO)
    with translation.override("sv"):
        assert str(portal) == str(django)
        assert "Södertörn &amp; Co" in str(portal)


def test_selects_with_templates_of_their_own_and_other_widgets_are_left_to_django(monkeypatch):
    written = []
    original = renderers.render_select
    monkeypatch.setattr(
        renderers, "render_select", lambda widget: written.append(widget) or original(widget)
    )

    class OwnOptions(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    own = both(OwnOptions(choices=HOSTILE[:3]), "a&b")
    assert own[0] == own[1] and '<label><input type="select"' in own[0]
    radios = both(forms.RadioSelect(choices=HOSTILE[:3]), "a&b")
    assert radios[0] == radios[1]
    text = both(forms.TextInput(), "<x>")
    assert text[0] == text[1]
    assert written == []
    both(forms.Select(choices=HOSTILE[:3]), "a&b")
    assert len(written) == 1
