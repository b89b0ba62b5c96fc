"""The situation picture's snapshot rows in templates: impact levels in words, and the short
version only what its audience may see (``picture.selectors.snapshot_rows``)."""

from django import template

from ..picture import selectors

register = template.Library()


@register.simple_tag
def picture_rows(picture) -> list[dict]:
    """``{% picture_rows picture as rows %}``"""
    return selectors.snapshot_rows(picture)


@register.filter
def impact_label(code: str) -> str:
    """``{{ row.impact|impact_label }}``: "severe" → "Allvarligt ansträngt"."""
    return selectors.impact_label(code or "")
