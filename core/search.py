"""Full-text search over a few kinds of records, grouped by kind (the incident search and the
meeting search use it).

On PostgreSQL the records are matched with a Swedish text-search configuration, so inflected
forms find each other ("översvämningar" finds "översvämning"), ranked, and shown with a snippet
around the matched words. The search vectors are computed at query time: the tables searched are
small per incident or per forum, and there is no column to keep in step. SQLite (``make run``)
falls back to a substring match (case-insensitive for ASCII letters only, as SQLite's LIKE is).

Every kind costs two queries (a count and one page), whatever the number of hits.
"""

import datetime
import functools
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "swedish"
MAX_QUERY_LENGTH = 200
PER_KIND = 5  # hits per kind on the page of every kind
PER_PAGE = 20  # hits per page when one kind is shown
SNIPPET_WORDS = 30
# Markers PostgreSQL puts around the matched words; control characters nobody types, so the
# snippet can be escaped first and marked up after.
START, STOP = "\x02", "\x03"


@dataclass
class Kind:
    """One kind of record to search: its records (already limited to what the user may see),
    the fields searched (the first ones weigh most), and how a hit is shown."""

    key: str
    label: str
    records: QuerySet
    fields: Sequence[str]
    title: Callable[[Any], str]
    url: Callable[[Any], str]
    at: str = ""  # the field (or path) dating a hit, newest first among equals; "" for none


@dataclass
class Hit:
    title: str
    url: str
    snippet: SafeString
    at: datetime.datetime | None


@dataclass
class Group:
    kind: Kind
    total: int
    hits: list[Hit] = field(default_factory=list)
    page: Page | None = None  # when only this kind is shown


def clean_query(value: str | None) -> str:
    """The words searched for: whitespace collapsed, bounded in length."""
    return " ".join((value or "").split())[:MAX_QUERY_LENGTH]


def _uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def _weights(count: int) -> list[str]:
    return (["A", "B"] + ["C"] * count)[:count]


def _matches(kind: Kind, q: str) -> QuerySet:
    """The kind's records that match, best first, each with ``snippet_text``."""
    if _uses_postgres():
        query = SearchQuery(q, config=CONFIG, search_type="websearch")
        vector = functools.reduce(
            operator.add,
            [
                SearchVector(name, weight=weight, config=CONFIG)
                for name, weight in zip(kind.fields, _weights(len(kind.fields)), strict=True)
            ],
        )
        document = (
            Concat(
                *[part for name in kind.fields for part in (F(name), Value(" "))][:-1],
                output_field=TextField(),
            )
            if len(kind.fields) > 1
            else F(kind.fields[0])
        )
        return (
            kind.records.annotate(search=vector)
            .filter(search=query)
            .annotate(
                rank=SearchRank(F("search"), query),
                snippet_text=SearchHeadline(
                    document,
                    query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                ),
            )
            .order_by("-rank", *_newest(kind))
        )
    wanted = functools.reduce(
        operator.or_, [Q(**{f"{name}__icontains": q}) for name in kind.fields]
    )
    return kind.records.filter(wanted).order_by(*_newest(kind))


def _newest(kind: Kind) -> list[str]:
    return [f"-{kind.at}", "-pk"] if kind.at else ["-pk"]


def _value(record: Any, path: str) -> Any:
    for name in path.split("__"):
        record = getattr(record, name, None) if record is not None else None
    return record


def _snippet(record: Any, kind: Kind, q: str) -> SafeString:
    text = getattr(record, "snippet_text", None)
    if text is not None:
        return mark_safe(  # noqa: S308  (escaped first; only our own markers become tags)
            escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
        )
    # The fallback: the words around the first match of the whole query, marked.
    document = " ".join(str(_value(record, name) or "") for name in kind.fields)
    found = re.search(re.escape(q), document, re.IGNORECASE)
    if not found:
        return escape(" ".join(document.split()[:SNIPPET_WORDS]))
    before = document[: found.start()].split()[-SNIPPET_WORDS // 2 :]
    after = document[found.end() :].split()[: SNIPPET_WORDS // 2]
    return mark_safe(  # noqa: S308  (every part is escaped)
        escape(" ".join(before))
        + (" " if before else "")
        + "<mark>"
        + escape(found.group(0))
        + "</mark>"
        + escape(" " + " ".join(after) if after else "")
    )


def _hits(records: Sequence[Any], kind: Kind, q: str) -> list[Hit]:
    return [
        Hit(
            title=kind.title(record),
            url=kind.url(record),
            snippet=_snippet(record, kind, q),
            at=_value(record, kind.at) if kind.at else None,
        )
        for record in records
    ]


def search(
    kinds: Sequence[Kind], q: str, *, only: str = "", page: str | None = None
) -> list[Group]:
    """Per kind, the hits of ``q``: the first few of every kind, or one page of the kind
    ``only`` when it names one."""
    q = clean_query(q)
    if not q:
        return []
    single = [k for k in kinds if k.key == only]
    groups = []
    for kind in single or kinds:
        matches = _matches(kind, q)
        if single:
            current = Paginator(matches, PER_PAGE).get_page(page)
            groups.append(
                Group(
                    kind=kind,
                    total=current.paginator.count,
                    hits=_hits(current.object_list, kind, q),
                    page=current,
                )
            )
        else:
            total = matches.count()
            hits = _hits(list(matches[:PER_KIND]), kind, q) if total else []
            groups.append(Group(kind=kind, total=total, hits=hits))
    return groups
