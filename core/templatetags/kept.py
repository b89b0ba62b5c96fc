"""``{% kept "name" value ... %}…{% endkept %}``: a part of a page rendered once per web process
and kept in its memory, for parts whose output is a pure function of the values the tag names.

The page chrome (the menu, the user's menu, the on-duty line, the footer) is the same template
work on every request: some twenty URL reversals and fifty translations, which cost more than
everything else the minimal logged-in page does. What it shows depends only on a few plain values
(the language, the path for the current menu item, the unread count, the user's name), so it is
rendered once per combination of them and then copied.

Rules for a kept part:

- Its output must depend on nothing but the values named in the tag and the language (always
  part of the key). A context variable used inside but not named would leak one request's
  value into another's page: name it, or leave it out of the kept part.
- Name plain values: strings, numbers, booleans, or lists of frozen dataclasses; they are
  compared by their text.
- The CSRF token is kept out: the part is rendered with a stand-in token, replaced by the
  request's own on every use, so a kept form posts with the token of whoever is reading it.

Nothing is invalidated, since nothing the key does not name can change the output; a template
recompiled (the autoreloader in development) gets new nodes, so new keys, and the old entries age
out. The store holds at most ``MAX_ENTRIES`` parts per process, the least recently used dropped.
"""

import secrets
import threading
from collections import OrderedDict

from django import template
from django.template.base import FilterExpression, Node, NodeList
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

MAX_ENTRIES = 2048

# Unknowable from outside the process, so no page content can contain it by chance or design.
CSRF_STAND_IN = f"csrf{secrets.token_hex(16)}"


class KeptStore:
    """A bounded map from keys to rendered HTML, least recently used dropped first."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def put(self, key: tuple, html: str) -> None:
        with self._lock:
            self._entries[key] = html
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


store = KeptStore()


def _text(value) -> str:
    """A value's text for the key (lazy objects are evaluated; lists by their items' text)."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_text(item) for item in value) + "]"
    return str(value)


class KeptNode(Node):
    def __init__(self, nodelist: NodeList, name: str, vary_on: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context) -> SafeString:
        # The node itself is part of the key: the same name in two templates, or a template
        # compiled again, never shares an entry.
        key = (self, get_language(), *(_text(v.resolve(context)) for v in self.vary_on))
        html = store.get(key)
        if html is None:
            with context.push(csrf_token=CSRF_STAND_IN):
                html = self.nodelist.render(context)
            store.put(key, html)
        if CSRF_STAND_IN in html:
            html = html.replace(CSRF_STAND_IN, str(context.get("csrf_token", "")))
        return mark_safe(html)


@register.tag("kept")
def do_kept(parser, token) -> KeptNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' needs a quoted name, then the values the part depends on."
        )
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]])
