"""The form renderer: Django's own, with its select boxes written out in Python.

Django renders a ``<select>`` through a template that includes one template per option, and
another for each element's attributes: about 0.1 ms per option. The actor directory's two
filter boxes (a dozen options each) took a third of the page, and the report and publication
forms have several. ``PortalFormRenderer`` writes the same markup, byte for byte, directly from
the widget's context (what the template would have read), and leaves every other template to
Django: the fast path is taken only for Django's own select template whose options all use
Django's own option template, so a widget with templates of its own renders as before.
"""

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


# What a widget template renders its values in: autoescape on, localisation and time zone as the
# settings have them. Only read, never pushed to, so one serves every render.
WIDGET_CONTEXT = Context()


def _shown(value: Any) -> str:
    """``{{ value }}`` in a widget template, by Django's own code for it."""
    return render_value_in_context(value, WIDGET_CONTEXT)


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: Django's filter, which keeps a safe value safe (the
    template engine's rule for filters marked ``is_safe``); the rest is escaped."""
    text = stringformat(value, "s")
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {_shown(name)}")
            if value is not True:
                parts.append(f'="{_formatted(value)}"')
    return "".join(parts)


def render_select(widget: dict[str, Any]) -> str:
    """``django/forms/widgets/select.html`` with ``select_option.html`` for every option."""
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts).strip()  # as Django's renderer strips what a template gave


def _written_out(template_name: str, context: dict[str, Any]) -> bool:
    if template_name != SELECT_TEMPLATE:
        return False
    widget = context.get("widget")
    if not isinstance(widget, dict):
        return False
    return all(
        option.get("template_name") == OPTION_TEMPLATE
        for _name, choices, _index in widget.get("optgroups", ())
        for option in choices
    )


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if _written_out(template_name, context):
            return mark_safe(render_select(context["widget"]))
        return super().render(template_name, context, request=request)
