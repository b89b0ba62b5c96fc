from tests.incidents.conftest import rsib  # noqa: F401  (the RSIB on duty)
