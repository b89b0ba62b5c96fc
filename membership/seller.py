"""The seller on every invoice (the organisation that invoices the fees), the payment terms and
the VAT categories: what an invoice copies when it is issued.

Read through these functions only. The values live in one row (``SellerSettings``) that the
secretariat edits on the invoicing settings page; until it exists, the first read makes it from
the environment's defaults (``settings.SELLER``, ``INVOICE_DUE_DAYS``, ``VAT_CATEGORIES``).
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actors.validators import normalize_org_number

from .models import SellerSettings
from .validators import normalize_bankgiro, normalize_postal_code

logger = logging.getLogger(__name__)

# The VAT categories an invoice can carry: only "O" (outside the scope of VAT) until the finance
# function confirms another treatment; the XML writes the exemption reason of each.
SUPPORTED_VAT_CATEGORIES = {"O"}

# The keys of ``seller_details()`` (what an invoice's ``seller`` holds), as the model's fields.
DETAIL_FIELDS = (
    "name",
    "org_number",
    "bankgiro",
    "address",
    "postal_code",
    "city",
    "email",
    "reference",
    "phone",
)
EDITABLE_FIELDS = (*DETAIL_FIELDS, "due_days", "vat_categories")


def _normalized(value: str, normalize, setting: str) -> str:
    """The environment's value in its stored form; a malformed one is left out (logged), so the
    run warns that it is not set instead of printing it."""
    if not value:
        return ""
    try:
        return normalize(value)
    except ValidationError:
        logger.warning("%s=%r is not valid; the invoicing settings leave it empty.", setting, value)
        return ""


def environment_defaults() -> dict[str, Any]:
    """The row's first values, from the server's environment."""
    env = settings.SELLER
    low, high = SellerSettings.DUE_DAYS_RANGE
    return {
        "name": env.get("name", ""),
        "org_number": _normalized(
            env.get("org_number", ""), normalize_org_number, "SELLER_ORG_NUMBER"
        ),
        "bankgiro": _normalized(env.get("bankgiro", ""), normalize_bankgiro, "SELLER_BANKGIRO"),
        "address": env.get("address", ""),
        "postal_code": _normalized(
            env.get("postal_code", ""), normalize_postal_code, "SELLER_POSTAL_CODE"
        ),
        "city": env.get("city", ""),
        "email": env.get("email", ""),
        "phone": env.get("phone", ""),
        "reference": env.get("reference", ""),
        "due_days": min(max(int(settings.INVOICE_DUE_DAYS), low), high),
        "vat_categories": dict(settings.VAT_CATEGORIES),
    }


def seller_settings() -> SellerSettings:
    """The settings row, made from the environment's defaults on the first read. Race-safe: the
    primary key is fixed, so two first reads make one row (``get_or_create`` reads again after
    losing the insert)."""
    row, created = SellerSettings.objects.get_or_create(
        pk=SellerSettings.SINGLETON_PK, defaults=environment_defaults()
    )
    if created:
        logger.info("The invoicing settings were made from the environment's defaults.")
    return row


def seller_details() -> dict[str, Any]:
    """Name, organisation number, bankgiro, address, contact: copied into each invoice."""
    row = seller_settings()
    return {field: getattr(row, field) for field in DETAIL_FIELDS}


def due_days() -> int:
    """Days from issue to the payment due date."""
    return seller_settings().due_days


def vat_categories() -> dict[str, str]:
    """The VAT category per actor kind (``Actor.Kind``); kinds not named get "O"."""
    return dict(seller_settings().vat_categories)


@transaction.atomic
def seller_settings_update(**values: Any) -> SellerSettings:
    """Change the invoicing settings (the row locked while it changes; history records who
    changed what). Invoices already issued keep the details they were issued with. Returns the
    row; saves nothing when nothing changed."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not an invoicing setting: {', '.join(sorted(unknown))}")

    unsupported = set(values.get("vat_categories", {}).values()) - SUPPORTED_VAT_CATEGORIES
    if unsupported:
        raise ValidationError(
            {
                "vat_categories": _("VAT category %(codes)s is not supported.")
                % {"codes": ", ".join(sorted(unsupported))}
            }
        )
    seller_settings()
    row = SellerSettings.objects.select_for_update().get(pk=SellerSettings.SINGLETON_PK)
    changed = [field for field, value in values.items() if getattr(row, field) != value]
    for field in changed:
        setattr(row, field, values[field])
    row.full_clean()
    if changed:
        row.save(update_fields=changed)
    return row


def _shown(field_name: str, value: Any) -> str:
    if field_name == "vat_categories":
        from actors.models import Actor

        return (
            ", ".join(
                f"{Actor.Kind(kind).label if kind in Actor.Kind.values else kind}: {code}"
                for kind, code in sorted((value or {}).items())
            )
            or "–"
        )
    return "–" if value in (None, "") else str(value)


def seller_settings_history(*, limit: int = 50) -> list:
    """The row's recorded versions, newest first, each with ``changes``: (field label, old
    value, new value) against the version before it (every value set, for the first)."""
    records = list(
        SellerSettings.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )[: limit + 1]
    )
    for newer, older in zip(records, [*records[1:], None], strict=True):
        newer.changes = [
            (
                SellerSettings._meta.get_field(name).verbose_name,
                _shown(name, getattr(older, name)) if older is not None else "–",
                _shown(name, getattr(newer, name)),
            )
            for name in EDITABLE_FIELDS
            if (older is None and getattr(newer, name) not in (None, "", {}))
            or (older is not None and getattr(older, name) != getattr(newer, name))
        ]
    return records[:limit]
