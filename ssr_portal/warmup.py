"""Work a web process does once when it starts instead of in its first requests.

Django imports the views when the first request resolves a URL, and compiles each template the
first time it is rendered (then keeps it: the cached template loader). In a crisis every new
process would make its first callers wait for that (about a second for the first report sent
through the API, the same for the first picture published). ``warm_up`` does it before the
process takes requests: it loads the URLconf (and so every view, form and serializer module)
and compiles the portal's own templates. It reads nothing from the database or Redis and leaves
no connection open, so it is safe in a process that forks afterwards.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver

logger = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml")


def own_template_names() -> list[str]:
    """The names of the templates in the portal's own directories (the project's and its apps'),
    not those of installed packages (the admin's, for instance)."""
    base = Path(settings.BASE_DIR).resolve()
    names: set[str] = set()
    for engine in engines.all():
        for directory in getattr(engine, "template_dirs", ()):
            root = Path(directory).resolve()
            if not root.is_relative_to(base) or ".venv" in root.parts or not root.is_dir():
                continue
            for path in root.rglob("*"):
                if path.is_file() and path.suffix in TEMPLATE_SUFFIXES:
                    names.add(path.relative_to(root).as_posix())
    return sorted(names)


def warm_up() -> dict[str, int]:
    """Load the URLconf and compile the portal's templates; returns what was done (counts)."""
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view module
    resolver.reverse_dict  # noqa: B018 - builds the reverse() lookup once
    compiled = failed = 0
    engine = engines["django"]
    for name in own_template_names():
        try:
            engine.get_template(name)
            compiled += 1
        except (TemplateSyntaxError, TemplateDoesNotExist) as exc:
            failed += 1
            logger.warning("Template %s does not compile: %s", name, exc)
    connections.close_all()
    return {"templates": compiled, "failed": failed}
