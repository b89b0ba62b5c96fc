"""The ``oidc_provider`` fixture: the test provider (``tests.oidc_provider``) as a process of its
own on a free port of 127.0.0.1, started once per session, waited for with a bounded poll and
stopped by its process group. Loaded as a plugin by tests/conftest.py.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "provider-pass-1234"
START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Provider:
    url: str
    env: dict = field(repr=False)
    log: Path = field(repr=False)

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    @property
    def jwks_uri(self) -> str:
        return f"{self.url}/o/.well-known/jwks.json"

    def endpoints(self) -> dict[str, str]:
        """The endpoints of the discovery document, for a portal-side provider that names them."""
        document = requests.get(
            f"{self.issuer}/.well-known/openid-configuration", timeout=10
        ).json()
        return {
            "authorization_endpoint": document["authorization_endpoint"],
            "token_endpoint": document["token_endpoint"],
            "jwks_uri": document["jwks_uri"],
        }

    def setup(self, *, applications=(), users=()) -> None:
        """Create or update applications and users (see the oidc_fixture command)."""
        spec = {
            "applications": list(applications),
            "users": [{"password": PASSWORD, **user} for user in users],
        }
        _manage(self.env, "oidc_fixture", json.dumps(spec))


def _manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
        capture_output=True,
    )


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory) -> Provider:
    directory = tmp_path_factory.mktemp("oidc-provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (directory / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.oidc_provider.settings",
        OIDC_PROVIDER_DIR=str(directory),
        PYTHONPATH=str(ROOT),
    )
    _manage(env, "migrate", "--verbosity", "0")
    port = _free_port()
    log = directory / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    provider = Provider(url=f"http://127.0.0.1:{port}", env=env, log=log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if requests.get(
                    f"{provider.issuer}/.well-known/openid-configuration", timeout=2
                ).ok:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the test OIDC provider did not start: {log.read_text()}")
            time.sleep(0.2)
        yield provider
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
