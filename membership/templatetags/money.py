"""Money in templates, in Swedish format: ``{{ amount|sek }}`` → "43 857,50 kr"."""

from decimal import Decimal

from django import template

from ..fees import sek as sek_format
from ..fees import swedish_number

register = template.Library()


@register.filter
def sek(amount: Decimal | int | None) -> str:
    """The amount rounded to the öre with "kr"; nothing for no amount."""
    if amount is None or amount == "":
        return ""
    return sek_format(Decimal(amount))


@register.filter
def hours(value: Decimal | int | None) -> str:
    """A number of hours in Swedish format (4 380 or 167,5); a dash for none."""
    if value is None or value == "":
        return "–"
    return swedish_number(value)


@register.filter
def signed_hours(value: Decimal | None) -> str:
    """A difference of hours with its sign: +4 212, −12, 0."""
    if value is None:
        return "–"
    text = swedish_number(abs(value))
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text
