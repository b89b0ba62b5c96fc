"""core.auth_cache.read_through: a value is used while its token is current, and a value read
while a write deleted the token is never used."""

import pytest

from core import auth_cache

pytestmark = pytest.mark.django_db  # an invalidation deletes again when the transaction commits


def test_the_value_is_computed_once_while_the_token_stands():
    calls = []

    def compute():
        calls.append(1)
        return ["rows"]

    assert auth_cache.read_through("test:value", "test:token", compute) == ["rows"]
    assert auth_cache.read_through("test:value", "test:token", compute) == ["rows"]
    assert len(calls) == 1
    auth_cache.invalidate(["test:token"])
    assert auth_cache.read_through("test:value", "test:token", compute) == ["rows"]
    assert len(calls) == 2


def test_a_value_read_across_a_write_is_not_kept():
    def raced():
        auth_cache.invalidate(["test:token"])  # a write commits while the rows are read
        return "before the write"

    assert auth_cache.read_through("test:value", "test:token", raced) == "before the write"
    assert auth_cache.read_through("test:value", "test:token", lambda: "after") == "after"


def test_the_second_token_is_part_of_the_stamp():
    assert auth_cache.read_through("test:value", "test:token", lambda: 1, also="user-a") == 1
    assert auth_cache.read_through("test:value", "test:token", lambda: 2, also="user-a") == 1
    assert auth_cache.read_through("test:value", "test:token", lambda: 3, also="user-b") == 3
