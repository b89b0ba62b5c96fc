"""Checking a domain rule inside a service."""

from django.core.exceptions import ValidationError


def require(condition: bool, message: str) -> None:
    """Refuse with ``message`` (a ValidationError the page shows) unless ``condition`` holds."""
    if not condition:
        raise ValidationError(message)
