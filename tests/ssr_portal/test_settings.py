"""The settings module read from the environment, checked in fresh processes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


# Variables the settings module reads; the subprocesses start without the test run's values.
SETTINGS_PREFIXES = (
    "DJANGO_",
    "DATABASE_",
    "REDIS_",
    "SECRET_",
    "DEBUG",
    "EMAIL_",
    "CELERY_",
    "SECURE_",
    "ALLOWED_",
    "SITE_",
    "TEST_",
    "USE_X_",
    "CSRF_",
)


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return run(["-c", code], **env)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run(["manage.py", *args], **env)


EMBEDDED = """
import django, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'ssr_portal.settings'
django.setup()
from django.conf import settings as s
print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.DEBUG,
      s.LANGUAGE_CODE, s.TIME_ZONE, s.USE_TZ)
"""


def test_nothing_set_gives_the_embedded_default():
    result = run_python(EMBEDDED)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "True",
        "sv",
        "Europe/Stockholm",
        "True",
    ]


def test_environment_selects_postgres_redis_and_smtp():
    result = run_python(
        EMBEDDED,
        DATABASE_URL="postgres://ssr:secret@db:5432/ssr",
        REDIS_URL="redis://redis:6379/0",
        EMAIL_URL="smtp://mail.example.org:25",
    )
    assert result.returncode == 0, result.stderr
    engine, eager, backend, *_ = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert eager == "False"
    assert backend == "django.core.mail.backends.smtp.EmailBackend"


def test_debug_off_refuses_the_default_secret_key():
    result = run_python(EMBEDDED, DEBUG="off")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_worker_memory_limit_below_64_mib_is_refused():
    result = run_python(EMBEDDED, CELERY_WORKER_MAX_MEMORY_PER_CHILD="1000")
    assert result.returncode != 0
    assert "CELERY_WORKER_MAX_MEMORY_PER_CHILD must be at least 65536" in result.stderr


def test_a_worker_priority_outside_nice_range_is_refused():
    result = run_python(EMBEDDED, CELERY_WORKER_NICE="20")
    assert result.returncode != 0
    assert "CELERY_WORKER_NICE must be between 0 and 19" in result.stderr


NICE = """
import django, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'ssr_portal.settings'
django.setup()
from celery.signals import worker_process_init
from ssr_portal.celery import app
before = os.nice(0)
worker_process_init.send(sender=None)  # what Celery sends in each new pool process
print(before, os.nice(0))
"""


def test_a_pool_process_lowers_its_priority_when_it_starts():
    result = run_python(NICE, CELERY_WORKER_NICE="7")
    assert result.returncode == 0, result.stderr
    before, after = map(int, result.stdout.split())
    assert after == min(before + 7, 19)


GROUP_NICE = """
import django, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'ssr_portal.settings'
django.setup()
from celery.signals import worker_init
from ssr_portal.celery import app
def group():
    # the kernel prints nothing when the process's CPU group is a cgroup rather than an autogroup
    return open('/proc/self/autogroup').read().split('nice')[-1].strip() or '-'
before = group()
worker_init.send(sender=None)  # what Celery sends in the worker's main process
print(before, group())
"""


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="no scheduler autogroups")
def test_a_worker_leading_its_own_session_lowers_the_sessions_priority():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}
    clean["CELERY_WORKER_NICE"] = "7"
    result = subprocess.run(
        [sys.executable, "-c", GROUP_NICE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # as a service manager or the bench starts it
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "7"]


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="no scheduler autogroups")
def test_a_worker_in_a_shared_session_leaves_the_session_alone():
    result = run_python(GROUP_NICE, CELERY_WORKER_NICE="7")
    assert result.returncode == 0, result.stderr
    before, after = result.stdout.split()
    assert before == after


EMPTY_GROUP = """
import django, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'ssr_portal.settings'
django.setup()
from ssr_portal import celery
empty = '/tmp/ssr-empty-autogroup-%d' % os.getpid()
open(empty, 'w').close()
celery.AUTOGROUP = empty  # as the kernel shows it to a process in a cpu cgroup
os.setsid()
print(celery.lower_group_priority(), repr(open(empty).read()))
os.remove(empty)
"""


def test_a_worker_whose_group_the_kernel_does_not_show_changes_nothing():
    result = run_python(EMPTY_GROUP, CELERY_WORKER_NICE="7")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["None", "''"]


PRODUCTION = {
    "DEBUG": "off",
    "SECRET_KEY": "p" * 20 + "r0duct10n-s3cr3t-k3y-that-is-long-enough-&-random",
    "ALLOWED_HOSTS": "portal.example.org",
    "SITE_URL": "https://portal.example.org",
    "DATABASE_URL": "sqlite:////tmp/ssr-check-deploy.sqlite3",
}


def test_check_deploy_passes_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


COOKIES = """
import django, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'ssr_portal.settings'
django.setup()
from django.conf import settings as s
print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,
      s.SESSION_COOKIE_PATH, s.CSRF_COOKIE_PATH, s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN)
"""


def test_production_cookies_carry_the_host_prefix():
    """__Host- cookies must be Secure, for Path=/ and without a Domain, or browsers drop them."""
    result = run_python(COOKIES, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "/",
        "/",
        "None",
        "None",
    ]
    # make run serves plain http, where a browser would refuse a __Host- cookie.
    result = run_python(COOKIES)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:3] == ["sessionid", "csrftoken", "False"]


@pytest.mark.django_db
def test_the_portal_sets_host_prefixed_cookies(client, member):
    """The test settings run with DEBUG off, as production does."""
    page = client.get("/konto/logga-in/", secure=True)
    session = member.get("/", secure=True)  # the first request after a login writes the session
    for response, name in ((page, "__Host-csrftoken"), (session, "__Host-sessionid")):
        cookie = response.cookies[name]
        assert cookie["secure"] is True and cookie["path"] == "/" and cookie["domain"] == ""
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"


@pytest.mark.django_db
def test_security_headers_on_a_page(client):
    response = client.get("/konto/logga-in/", secure=True)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "max-age=" in response["Strict-Transport-Security"]


def test_celery_is_json_only_with_time_limits():
    from ssr_portal.celery import app

    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT > 0
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.broker_url == settings.REDIS_URL
    # A pool process grown past 512 MiB (WeasyPrint caches) is replaced after its task.
    assert app.conf.worker_max_memory_per_child == 512 * 1024


def test_all_apps_are_installed():
    for app in ("actors", "forums", "incidents", "membership", "guardian", "simple_history"):
        assert app in settings.INSTALLED_APPS


@pytest.mark.django_db
def test_content_security_policy_has_no_unsafe_inline(client):
    response = client.get("/konto/logga-in/", secure=True)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client, member):
    import re

    for page in (client.get("/konto/logga-in/"), member.get("/aktorer/")):
        html = page.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
        assert "<style" not in html and ' style="' not in html
