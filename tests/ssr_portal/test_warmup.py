"""A web process loads its views and compiles the portal's templates before its first request
(ssr_portal.warmup, run by ssr_portal.wsgi), in a fresh interpreter as gunicorn starts it."""

import json

from tests.ssr_portal.test_settings import run_python

START = """
import json, sys
import ssr_portal.wsgi
from django.db import connections
from django.template import engines
from ssr_portal.warmup import own_template_names, warm_up
names = own_template_names()
print(json.dumps({
    "views_loaded": "incidents.views" in sys.modules and "api.v1" in sys.modules,
    "connection_open": connections["default"].connection is not None,
    "names": names,
    "again": warm_up(),
}))
"""

PRODUCTION = {
    "DEBUG": "off",
    "SECRET_KEY": "w" * 20 + "arm-up-s3cr3t-k3y-that-is-long-enough-&-random",
    "ALLOWED_HOSTS": "portal.example.org",
}


def _start(**env: str) -> dict:
    result = run_python(START, **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_production_process_starts_with_its_views_and_templates_ready():
    started = _start()
    assert started["views_loaded"] is True
    assert started["connection_open"] is False  # safe to fork: nothing shared
    # Every template of the portal's own compiles; none of the installed packages' is taken.
    names = started["names"]
    assert {"base.html", "incidents/incident_detail.html"} <= set(names)
    assert not any(name.startswith(("rest_framework/", "two_factor/")) for name in names)
    assert started["again"] == {"templates": len(names), "failed": 0}


def test_the_warm_up_can_be_switched_off():
    assert _start(WSGI_WARM_UP="off")["views_loaded"] is False
