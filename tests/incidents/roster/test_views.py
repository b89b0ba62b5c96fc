import pytest
from django.urls import reverse

from tests.incidents.conftest import ANY, SECRETARIAT_ONLY, check_permission_matrix

pytestmark = pytest.mark.django_db

PAGES = [
    ("incidents:roster", {}, ANY),
    ("incidents:shift_create", {}, SECRETARIAT_ONLY),
    ("incidents:roster_hours", {}, SECRETARIAT_ONLY),
    ("incidents:shift_detail", {"pk": "shift"}, (302, 403, 403, 200, 403, 200)),
]
POST_ONLY = ["shift_change_decide"]


@pytest.mark.parametrize(("name", "kwargs", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_permission_matrix(name, kwargs, expected, objects, clients):
    check_permission_matrix(name, kwargs, expected, objects, clients)


def test_a_member_cannot_decide_a_shift_change(clients):
    change_url = reverse("incidents:shift_change_decide", args=[1])
    assert clients["member"].post(change_url).status_code == 403


def test_on_duty_is_shown_in_the_header(rsib, member):
    page = member.get(reverse("home")).content.decode()
    # The person's name links to their page (their phone beside it, as a tel: link).
    assert f'RSIB <a href="{rsib.person.get_absolute_url()}">Rut Jour</a>' in page
