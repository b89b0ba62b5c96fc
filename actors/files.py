"""Moved to core.files; kept importable here until every caller imports it from core."""

from core.files import *  # noqa: F403
