"""Validators for Swedish identifiers and contact paths, with messages a user can act on."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.se import orgnr

_PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,20}[0-9]$")
_PEPPOL_RE = re.compile(r"^\d{4}:[A-Za-z0-9.\-_]{1,50}$")


def normalize_org_number(value: str) -> str:
    """Return an organisation number as NNNNNN-NNNN; raises ValidationError when malformed."""
    try:
        return orgnr.format(orgnr.validate(value))
    except StdnumValidationError as exc:
        raise ValidationError(
            _("%(value)s is not a valid organisation number (ten digits with a check digit)."),
            code="invalid_org_number",
            params={"value": value},
        ) from exc


def validate_org_number(value: str) -> None:
    if value:
        normalize_org_number(value)


def validate_phone_number(value: str) -> None:
    if value and not _PHONE_RE.match(value):
        raise ValidationError(
            _("Enter a phone number with digits, spaces or hyphens, e.g. +46 8 123 456 78."),
            code="invalid_phone",
        )


def validate_peppol_id(value: str) -> None:
    if value and not _PEPPOL_RE.match(value):
        raise ValidationError(
            _("A Peppol participant id is a four-digit scheme, a colon and the identifier."),
            code="invalid_peppol_id",
        )
