"""Moved to core.audit; kept importable here until every caller imports it from core."""

from core.audit import *  # noqa: F403
