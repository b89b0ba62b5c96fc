"""The portal's URL conf as a list of names, for the walks that must cover every URL (object
access, form fuzzing, the axe walk): a new URL that no walk lists fails the suite."""

import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

# Django's admin is the framework's own (it checks its own permissions and renders its own
# templates); the walks cover the portal's pages. The versioned API (namespace "api-v1") answers
# bearer tokens, not sessions: its own schemathesis run walks every operation
# (tests/api/test_schemathesis.py).
SKIPPED_NAMESPACES = {"admin", "api-v1"}


def _patterns() -> Iterator[tuple[str, str, URLPattern]]:
    """Every named pattern (the admin aside) as ("namespace:name", its whole route, pattern)."""

    def walk(patterns, namespace: str | None, prefix: str):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in SKIPPED_NAMESPACES:
                    continue
                yield from walk(
                    entry.url_patterns, entry.namespace or namespace, prefix + str(entry.pattern)
                )
            elif isinstance(entry, URLPattern):
                assert entry.name, f"unnamed URL pattern {entry.pattern}: name it"
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield name, prefix + str(entry.pattern), entry

    yield from walk(get_resolver().url_patterns, None, "")


def url_names(*, arguments: bool | None = None) -> set[str]:
    """Every named URL pattern as "namespace:name"; with ``arguments`` True only those that take
    an argument (an object id, a year, a token), with False only those that take none."""
    return {
        name
        for name, _route, pattern in _patterns()
        if arguments is None or bool(pattern.pattern.converters) == arguments
    }


SAMPLES = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000000", "path": "x"}


def sample_paths() -> dict[str, str]:
    """Every named URL pattern of the portal (the admin aside) as a concrete path, each argument
    filled with a sample value: 1 for numbers, "x" for text, a zero UUID. The objects need not
    exist: the walks that use this look at what answers before any object is looked up."""

    def fill(route: str) -> str:
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)

    return {name: "/" + fill(route) for name, route, _pattern in _patterns()}
