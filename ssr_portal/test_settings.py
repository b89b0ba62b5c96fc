"""Test override: the real PostgreSQL and Redis of the machine, unless the environment says else.

``TEST_DATABASE_URL`` and ``TEST_REDIS_URL`` point the suite elsewhere (e.g. a CI service).
"""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ["DATABASE_URL"] = os.environ.get(
    "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ssr_portal"
)
# Each parallel test process (pytest-xdist) gets its own Redis database, so one process's
# Celery queue never feeds another's worker: gw0 uses 15, gw1 14, ...
_redis = urlsplit(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
_db = int(_redis.path.strip("/") or 15) - (int(_worker) if _worker.isdigit() else 0)
os.environ["REDIS_URL"] = urlunsplit(_redis._replace(path=f"/{_db}"))
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "on")
os.environ["DEBUG"] = "off"
os.environ.setdefault("SECRET_KEY", "test-" + "k" * 60)
os.environ["SECURE_SSL_REDIRECT"] = "off"
# The suite runs as production does: migrations as the owner (TEST_DATABASE_URL's user), every
# test as the application role, which the test set-up creates (tests/conftest.py).
os.environ["DATABASE_APP_ROLE"] = os.environ.get("TEST_DATABASE_APP_ROLE", "ssr_app_test")

from .settings import *  # noqa: E402, F403

# The owner empties the database between transactional tests (the application role may not).
DATABASES["default"]["ENGINE"] = "tests.pgbackend"  # noqa: F405
# Tests render templates without collectstatic.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "sv"
# No collectstatic in tests: the finders serve the files, WhiteNoise has no root to scan.
STATIC_ROOT = None
# Every Peppol XML rendered anywhere in the suite passes the XSD, CEN and Peppol rules.
PEPPOL_VALIDATE_RENDERED = True
# The webhook tests' receiver listens on this machine over plain HTTP.
WEBHOOK_ALLOW_HTTP_HOSTS = ["127.0.0.1", "localhost"]
