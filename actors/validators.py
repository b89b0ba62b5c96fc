"""Validators for Swedish identifiers and contact paths, with messages a user can act on."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import ean
from stdnum.dk import cvr as dk_cvr
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr
from stdnum.se import vat as se_vat

_PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,20}[0-9]$")
_PEPPOL_RE = re.compile(r"^(?P<scheme>\d{4}):(?P<value>.+)$")
_PLAIN_IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9.\-_]{1,50}$")

# The Peppol Electronic Address Scheme (EAS) codes an EndpointID may carry: the code list of the
# vendored Peppol BIS 3 rules (membership/formats/peppol_rules/, variable "eaid"); update it with
# them. 9955 (Swedish VAT number) has left the list: it is still accepted on the actor, and the
# e-invoice then addresses the buyer by 0007 and the organisation number inside the VAT number.
_EAS_CODES = """0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0151 0183 0184 0188 0190
    0191 0192 0193 0195 0196 0198 0199 0200 0201 0202 0204 0208 0209 0210 0211 0212 0213 0215
    0216 0218 0221 0230 9901 9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927
    9928 9929 9930 9931 9932 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945
    9946 9947 9948 9949 9950 9951 9952 9953 9957 9959"""
PEPPOL_EAS_CODES = frozenset(_EAS_CODES.split())


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


def _se_vat(value: str) -> str:
    return "SE" + se_vat.compact(se_vat.validate(value))


def _gln(value: str) -> str:
    number = ean.validate(value)
    if len(number) != 13:
        raise StdnumValidationError("a GLN has 13 digits")
    return number


# Schemes whose identifiers have a check digit python-stdnum knows: (what the value is, the
# function that validates it and returns it compact).
_CHECKED_SCHEMES = {
    "0007": (_("a Swedish organisation number (ten digits)"), orgnr.validate),
    "9955": (_("a Swedish VAT number (SE, ten digits, 01)"), _se_vat),
    "0088": (_("a GLN (13 digits)"), _gln),
    "0192": (_("a Norwegian organisation number (nine digits)"), no_orgnr.validate),
    "0184": (_("a Danish CVR number (eight digits)"), dk_cvr.validate),
}


def normalize_peppol_id(value: str) -> str:
    """Return a Peppol participant id as scheme:identifier without spaces or hyphens in
    identifiers with a check digit (``0007:212000-0142`` → ``0007:2120000142``); raises
    ValidationError naming what is wrong."""
    compact = "".join(value.split())
    match = _PEPPOL_RE.match(compact)
    if not match:
        raise ValidationError(
            _(
                "A Peppol participant id is a four-digit scheme, a colon and the identifier, "
                "e.g. 0007:2120000142."
            ),
            code="invalid_peppol_id",
        )
    scheme, identifier = match["scheme"], match["value"]
    if scheme in _CHECKED_SCHEMES:
        what, check = _CHECKED_SCHEMES[scheme]
        try:
            return f"{scheme}:{check(identifier)}"
        except StdnumValidationError as exc:
            raise ValidationError(
                _("%(value)s is not %(what)s, which scheme %(scheme)s requires."),
                code="invalid_peppol_id",
                params={"value": identifier, "what": what, "scheme": scheme},
            ) from exc
    if scheme not in PEPPOL_EAS_CODES:
        raise ValidationError(
            _(
                "%(scheme)s is not a Peppol scheme (EAS code): use e.g. 0007 for a Swedish "
                "organisation number."
            ),
            code="invalid_peppol_id",
            params={"scheme": scheme},
        )
    if not _PLAIN_IDENTIFIER_RE.match(identifier):
        raise ValidationError(
            _(
                "The identifier after %(scheme)s: may have at most 50 letters, digits, dots, "
                "hyphens or underscores."
            ),
            code="invalid_peppol_id",
            params={"scheme": scheme},
        )
    return f"{scheme}:{identifier}"


def validate_peppol_id(value: str) -> None:
    if value:
        normalize_peppol_id(value)
