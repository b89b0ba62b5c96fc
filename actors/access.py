"""Moved to core.access; kept importable here until every caller imports it from core."""

from core.access import *  # noqa: F403
