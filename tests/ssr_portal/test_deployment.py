"""The README and the production files tell the truth about the settings."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def settings_variables() -> set[str]:
    source = (ROOT / "ssr_portal" / "settings.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:8])
    assert "make run" in first_screen and "make test" in first_screen


def test_readme_documents_every_environment_variable():
    readme = (ROOT / "README.md").read_text()
    variables = settings_variables() | {
        "TEST_DATABASE_URL",
        "TEST_REDIS_URL",
        "TEST_DATABASE_APP_ROLE",
    }
    assert len(variables) > 20
    undocumented = sorted(v for v in variables if f"`{v}`" not in readme)
    assert undocumented == []


def test_ci_calls_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed")
def test_docker_compose_file_is_valid_and_runs_the_portal_under_two_roles():
    env = {**os.environ, "SECRET_KEY": "x" * 60}
    result = subprocess.run(
        ["docker-compose", "config", "--services"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"db", "redis", "migrate", "web", "worker", "beat"}
    config = subprocess.run(
        ["docker-compose", "config"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    ).stdout
    # The portal's processes log in as the application role; only `migrate` uses the owner.
    assert config.count("DATABASE_URL: postgres://ssr_app:") == 4
    assert config.count("DATABASE_APP_ROLE: ssr_app") == 4
    assert "DATABASE_URL=postgres://ssr:" in config and "manage.py migrate" in config
    assert (ROOT / "docker" / "initdb" / "10-app-role.sh").is_file()
