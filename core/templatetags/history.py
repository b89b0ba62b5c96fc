"""``{{ obj|history_url }}``: the secretariat's history page of any object with a history."""

from django import template
from django.urls import reverse

register = template.Library()

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@register.filter
def history_url(obj) -> str:
    return reverse("actors:object_history", args=[obj._meta.label_lower, obj.pk])


@register.filter
def history_action(record) -> str:
    """The record's kind as a word the template translates: created, changed or deleted."""
    return ACTIONS.get(record.history_type, "")
