"""Validators of the seller's payment details, with messages a user can act on."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn


def normalize_bankgiro(value: str) -> str:
    """A bankgiro number as NNN-NNNN or NNNN-NNNN (seven or eight digits, the last a Luhn check
    digit); raises ValidationError when malformed."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not digits.isdigit() or not 7 <= len(digits) <= 8:
        raise ValidationError(
            _("A bankgiro number has seven or eight digits, e.g. 5050-1055."),
            code="invalid_bankgiro",
        )
    if not luhn.is_valid(digits):
        raise ValidationError(
            _(
                "The check digit of bankgiro number %(value)s is wrong: check the number "
                "against the bankgiro agreement."
            ),
            code="bankgiro_check_digit",
            params={"value": value},
        )
    return f"{digits[:-4]}-{digits[-4:]}"


def validate_bankgiro(value: str) -> None:
    if value:
        normalize_bankgiro(value)


def normalize_postal_code(value: str) -> str:
    """A Swedish postal code as NNN NN; raises ValidationError when malformed."""
    digits = re.sub(r"\s", "", value or "")
    if not (digits.isdigit() and len(digits) == 5):
        raise ValidationError(
            _("A postal code has five digits, e.g. 104 22."), code="invalid_postal_code"
        )
    return f"{digits[:3]} {digits[3:]}"


def validate_postal_code(value: str) -> None:
    if value:
        normalize_postal_code(value)
