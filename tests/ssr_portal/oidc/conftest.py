"""The people of the provider-login tests, at the real provider (``oidc_provider``) and in the
portal: Huddinge kommun logs in through the provider as client "portal-huddinge", Polisen as
"portal-polisen"; both use discovery.

At the provider (password ``tests.oidc_provider.server.PASSWORD``), users carry flags:
``mfa`` (amr mfa), ``loa3`` (an acr), ``unverified`` (email_verified false), ``expired``,
``wrong-audience``, ``other-azp``, ``future-iat`` (tokens a portal must refuse).
"""

import re
from urllib.parse import parse_qs, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from django.urls import reverse

from actors.identity import identity_provider_create
from actors.models import IdentityProvider
from tests.factories import ActorFactory, MunicipalityFactory, PersonFactory, UserFactory
from tests.oidc_provider.server import PASSWORD

PORTAL_CALLBACK = "http://testserver/konto/logga-in/organisation/svar/"
HUDDINGE = "huddinge.example"
POLISEN = "polisen.example"

PROVIDER_USERS = [
    {"username": "anna", "email": f"anna@{HUDDINGE}", "first_name": "Anna", "flags": ["mfa"]},
    {"username": "bertil", "email": f"bertil@{HUDDINGE}", "first_name": "Bertil"},
    {"username": "loa3", "email": f"lena@{HUDDINGE}", "flags": ["loa3"]},
    {
        "username": "ny",
        "email": f"ny.person@{HUDDINGE}",
        "first_name": "Nils",
        "last_name": "Nyman",
    },
    {"username": "unverified", "email": f"u@{HUDDINGE}", "flags": ["unverified"]},
    {"username": "expired", "email": f"e@{HUDDINGE}", "flags": ["expired"]},
    {"username": "wrongaud", "email": f"w@{HUDDINGE}", "flags": ["wrong-audience"]},
    {"username": "otherazp", "email": f"z@{HUDDINGE}", "flags": ["other-azp"]},
    {"username": "future", "email": f"f@{HUDDINGE}", "flags": ["future-iat"]},
    {"username": "polis", "email": f"pia@{POLISEN}"},
    {"username": "moved", "email": f"mats@{HUDDINGE}"},
]
APPLICATIONS = [
    {
        "client_id": "portal-huddinge",
        "client_secret": "secret-huddinge-1234",
        "redirect_uris": [PORTAL_CALLBACK],
    },
    {
        "client_id": "portal-polisen",
        "client_secret": "secret-polisen-1234",
        "redirect_uris": [PORTAL_CALLBACK],
    },
]


@pytest.fixture(scope="session")
def provider_accounts(oidc_provider):
    oidc_provider.setup(applications=APPLICATIONS, users=PROVIDER_USERS)
    return oidc_provider


@pytest.fixture
def huddinge(db):
    return MunicipalityFactory(name="Huddinge kommun", municipality_code="0126")


@pytest.fixture
def polisen(db):
    return ActorFactory(name="Polismyndigheten", kind="police")


@pytest.fixture
def huddinge_idp(provider_accounts, huddinge) -> IdentityProvider:
    return identity_provider_create(
        actor=huddinge,
        name="Huddinge (test)",
        issuer=provider_accounts.issuer,
        client_id="portal-huddinge",
        client_secret="secret-huddinge-1234",
        email_domains=HUDDINGE,
    )


@pytest.fixture
def polisen_idp(provider_accounts, polisen) -> IdentityProvider:
    return identity_provider_create(
        actor=polisen,
        name="Polisen (test)",
        issuer=provider_accounts.issuer,
        client_id="portal-polisen",
        client_secret="secret-polisen-1234",
        email_domains=POLISEN,
    )


def person_with_login(actor, email: str, *, secretariat: bool = False, username=None):
    user = UserFactory(
        username=username or email.split("@")[0], email=email, secretariat=secretariat
    )
    PersonFactory(user=user, actor=actor, email=email, first_name=email.split("@")[0].title())
    return user


@pytest.fixture
def anna(huddinge_idp, huddinge):
    """Secretariat, at the provider with a second factor."""
    return person_with_login(huddinge, f"anna@{HUDDINGE}", secretariat=True)


@pytest.fixture
def bertil(huddinge_idp, huddinge):
    return person_with_login(huddinge, f"bertil@{HUDDINGE}")


# --- The code flow, through HTTP --------------------------------------------------------------


def replace_param(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode(query)))


def authorize(url: str, username: str, *, password: str = PASSWORD) -> str:
    """Log in at the provider as ``username`` and follow its authorisation endpoint: the
    address it sends the browser back to (the portal's callback with code and state)."""
    browser = requests.Session()
    answer = browser.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    login = urljoin(url, answer.headers["Location"])
    if "/login/" in urlsplit(login).path:
        browser.get(login, timeout=10)
        answer = browser.post(
            login,
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
                "next": parse_qs(urlsplit(login).query)["next"][0],
            },
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text[:500]
        answer = browser.get(
            urljoin(url, answer.headers["Location"]), allow_redirects=False, timeout=10
        )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def start(client, email: str) -> str:
    """Enter the e-mail on the portal's login page: the provider's authorisation URL."""
    page = client.post(reverse("oidc_start"), {"oidc-email": email})
    assert page.status_code == 200, page.content.decode()[:2000]
    url = page.context["url"]
    assert re.search(r'http-equiv="refresh" content="0;url=', page.content.decode())
    return url


def callback(client, location: str):
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == PORTAL_CALLBACK, location
    return client.get(parts.path, dict(parse_qsl(parts.query)))


def provider_login(client, email: str, username: str, *, tamper=None):
    """The whole flow: start at the portal, log in at the provider, come back."""
    url = start(client, email)
    if tamper is not None:
        url = tamper(url)
    return callback(client, authorize(url, username))
