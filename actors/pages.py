"""Moved to core.pages; kept importable here until every caller imports it from core."""

from core.pages import *  # noqa: F403
