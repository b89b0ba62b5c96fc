"""``{% impact level label %}``: a reported impact as its coloured tag, or a dash when none.

A tag rather than an included template: the report tables show it once per actor, and an
``{% include %}`` per row cost more than the rest of the row."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def impact(level: str, label: str) -> str:
    if level:
        return format_html('<span class="impact impact--{}">{}</span>', level, label)
    return mark_safe('<span class="muted">–</span>')
