"""The fault tests use the incidents and membership tests' fixtures."""

from tests.incidents.conftest import incident, prepared, rkk, rsib  # noqa: F401
