"""The portal's URL conf as a list of names, for the walks that must cover every URL (object
access, form fuzzing, the axe walk): a new URL that no walk lists fails the suite."""

from django.urls import URLPattern, URLResolver, get_resolver

# Django's admin is the framework's own (it checks its own permissions and renders its own
# templates); the walks cover the portal's pages.
SKIPPED_NAMESPACES = {"admin"}


def url_names(*, arguments: bool | None = None) -> set[str]:
    """Every named URL pattern as "namespace:name"; with ``arguments`` True only those that take
    an argument (an object id, a year, a token), with False only those that take none."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern):
                assert entry.name, f"unnamed URL pattern {entry.pattern}: name it"
                if arguments is None or bool(entry.pattern.converters) == arguments:
                    names.add(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns, None)
    return names


def sample_paths() -> dict[str, str]:
    """Every named URL pattern of the portal (the admin aside) as a concrete path, each argument
    filled with a sample value: 1 for numbers, "x" for text, a zero UUID. The objects need not
    exist: the walks that use this look at what answers before any object is looked up."""
    import re

    samples = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000000", "path": "x"}
    paths: dict[str, str] = {}

    def fill(route: str) -> str:
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: samples.get(m.group(1) or "str", "x"), route)

    def walk(patterns, namespace: str | None, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(entry.url_patterns, entry.namespace or namespace, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                paths[name] = "/" + fill(prefix + str(entry.pattern))

    walk(get_resolver().url_patterns, None, "")
    return paths
