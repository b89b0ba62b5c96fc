"""``{% idempotency_key %}``: the hidden field that makes a repeated submit of the form return
the first result (``core.idempotency``), for forms written out in their own templates."""

from django import template
from django.utils.html import format_html

from core.idempotency import FIELD, new_key

register = template.Library()


@register.simple_tag
def idempotency_key() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
