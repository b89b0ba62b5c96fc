"""What the benchmarks measure inside Django, one database at a time.

Run by ``bench.run`` as ``python -m bench.probes COMMAND`` with the portal's production settings
in the environment; prints one line ``BENCH_JSON {...}`` with the results.

- ``targets``: a session for the bench member and the pages' paths in this dataset;
- ``queries``: how many queries each page makes (the second request, caches warm);
- ``invoicing``: the annual invoice run with 1 and 2 worker processes, the PDF cost against bare
  WeasyPrint, and Peppol XML generation;
- ``fanout``: a notification to 2,000 recipients, written, then delivered by 1 and 2 workers;
- ``surge_people SPEC``: sessions and tokens of the crisis surge's people (``bench.surge``);
- ``surge_count SPEC``: what the surge wrote (reports by their tags, pictures, acknowledgements).
"""

import json
import os
import re
import statistics
import sys
import time
from typing import Any

TARGETS: list[dict[str, Any]] = [
    # The floor: the minimal view requested like every page measured here, as the logged-in
    # member (session, user, two-factor check); the anonymous request is shown beside it.
    {"key": "floor", "name": "Minimal view (floor)", "path": "/bench/golv/", "login": True},
    {
        "key": "floor_anonymous",
        "name": "Minimal view, anonymous",
        "path": "/bench/golv/",
        "login": False,
    },
    {"key": "login", "name": "Login page", "path": "/konto/logga-in/", "login": False},
    {"key": "home", "name": "Start page", "path": "/", "login": True},
    {"key": "directory", "name": "Actor directory", "path": "/aktorer/", "login": True},
    {"key": "forum", "name": "Forum page", "path": "/forum/{forum}/", "login": True},
    {
        "key": "picture",
        "name": "Situation picture page",
        "path": "/handelser/{incident}/lagesbild/",
        "login": True,
    },
    {
        "key": "fragment",
        "name": "Live fragment, new version",
        "path": "/handelser/{incident}/lagesbild/live/",
        "login": True,
        "htmx": True,
    },
    {
        "key": "poll",
        "name": "Live fragment, no change (204)",
        "path": "/handelser/{incident}/lagesbild/live/?since={since}",
        "login": True,
        "htmx": True,
        "status": 204,
    },
]
SINCE = re.compile(r"lagesbild/live/\?since=([0-9]+-[0-9]+)")
FANOUT_RECIPIENTS = 2_000
TIMEOUT = 900


def headers_for(target: dict[str, Any]) -> dict[str, str]:
    headers = {"X-Forwarded-Proto": "https"}
    if target.get("htmx"):
        headers["HX-Request"] = "true"
    return headers


def _clients():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from .world import BENCH_USERNAME

    member = Client(HTTP_HOST="127.0.0.1")
    member.force_login(get_user_model().objects.get(username=BENCH_USERNAME))
    return Client(HTTP_HOST="127.0.0.1"), member


def _resolve(member) -> list[dict[str, Any]]:
    """The targets with this dataset's ids, and the current version key for the 204 poll."""
    from incidents.models import Incident

    from .world import BENCH_INCIDENT_TITLE

    incident = Incident.objects.get(title=BENCH_INCIDENT_TITLE)
    forum = incident.activated_forums.order_by("pk").first()
    live = f"/handelser/{incident.pk}/lagesbild/live/"
    page = member.get(live, headers={"X-Forwarded-Proto": "https", "HX-Request": "true"})
    match = SINCE.search(page.content.decode())
    if page.status_code != 200 or not match:
        raise RuntimeError(f"The live fragment answered {page.status_code} without a version")
    ids = {"incident": incident.pk, "forum": forum.pk, "since": match.group(1)}
    return [{**t, "path": t["path"].format(**ids)} for t in TARGETS]


def targets(queue: str) -> dict[str, Any]:
    """A logged-in session for the load generator, and the resolved paths."""
    from django.conf import settings

    _anonymous, member = _clients()
    name = settings.SESSION_COOKIE_NAME
    return {"cookie": f"{name}={member.cookies[name].value}", "targets": _resolve(member)}


def queries(queue: str) -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The scales share one Redis database and their ids repeat: no scale reads another's cache.
    cache.clear()
    anonymous, member = _clients()
    counts = {}
    for target in _resolve(member):
        client = member if target["login"] else anonymous
        for _attempt in range(2):  # the second request counts: caches are warm
            with CaptureQueriesContext(connection) as captured:
                response = client.get(target["path"], headers=headers_for(target))
        if response.status_code != target.get("status", 200):
            raise RuntimeError(f"{target['path']} answered {response.status_code}")
        counts[target["key"]] = len(captured)
    return {"queries": counts}


def _wait(condition, what: str, timeout: float = TIMEOUT) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"Timed out waiting for {what}")
        time.sleep(0.1)
    return time.perf_counter()


def _worker_env(sink) -> dict[str, str]:
    return {**os.environ, "EMAIL_URL": sink.url}


def _invoices_sent() -> int:
    from notifications.models import Notification

    return Notification.objects.filter(kind="invoice", status=Notification.Status.SENT).count()


def invoicing(queue: str) -> dict[str, Any]:
    from membership.formats.peppol import invoice_xml
    from membership.invoicing import invoice_run_issue, issue_check
    from membership.models import Invoice
    from membership.pdf import html_to_pdf, invoice_html, invoice_pdf
    from membership.selectors import run_progress

    from .processes import SmtpSink, celery_worker, worker_rss
    from .world import INVOICE_RUN_YEARS

    runs = []
    actors = None
    for workers, year in zip((1, 2), INVOICE_RUN_YEARS, strict=True):
        with (
            SmtpSink() as sink,
            celery_worker(_worker_env(sink), processes=workers, queue=queue) as worker,
        ):
            sent_before = _invoices_sent()
            started = time.perf_counter()
            preview = issue_check(year)
            if preview.all_warnings:
                raise RuntimeError(f"The bench run has warnings: {preview.all_warnings[:3]}")
            previewed = time.perf_counter()
            created, _already = invoice_run_issue(year=year)
            issued = time.perf_counter()
            actors = created
            documents = _wait(lambda y=year, n=created: run_progress(y)[0] == n, "PDFs and XML")
            # Delivered: each invoice's message sent by the outbox, by e-mail (to the sink) or
            # as an e-invoice to the local access point, as the member's delivery says.
            emails = _wait(lambda n=created + sent_before: _invoices_sent() >= n, "deliveries")
            by_email = sink.count()
            rss = worker_rss(worker)
        runs.append(
            {
                "workers": workers,
                "invoices": created,
                "preview_s": previewed - started,
                "issue_s": issued - previewed,
                "documents_s": documents - previewed,
                "end_to_end_s": documents - started,
                "per_invoice_ms": (documents - issued) * 1000 * workers / created,
                "emails_s": emails - started,
                "by_email": by_email,
                "rss_mib": rss,
            }
        )

    sample_ids = list(
        Invoice.objects.filter(run_year=INVOICE_RUN_YEARS[0])
        .order_by("pk")
        .values_list("pk", flat=True)[:20]
    )
    warm = Invoice.objects.get(pk=sample_ids[0])
    html_to_pdf(invoice_html(warm))  # fonts and WeasyPrint's caches
    portal, bare = [], []
    for pk in sample_ids:
        invoice = Invoice.objects.get(pk=pk)
        began = time.perf_counter()
        invoice_pdf(invoice)
        portal.append(time.perf_counter() - began)
        html = invoice_html(invoice)
        began = time.perf_counter()
        html_to_pdf(html)
        bare.append(time.perf_counter() - began)

    xml_started = time.perf_counter()
    xml_count = 0
    for invoice in Invoice.objects.filter(run_year=INVOICE_RUN_YEARS[0]).order_by("pk"):
        invoice_xml(invoice)
        xml_count += 1
    xml_total = time.perf_counter() - xml_started
    return {
        "invoicing": {
            "actors": actors,
            "runs": runs,
            "pdf": {
                "samples": len(sample_ids),
                "portal_ms": statistics.median(portal) * 1000,
                "bare_ms": statistics.median(bare) * 1000,
                "ratio": statistics.median(portal) / statistics.median(bare),
            },
            "peppol": {
                "invoices": xml_count,
                "total_s": xml_total,
                "per_invoice_ms": xml_total * 1000 / xml_count,
            },
        }
    }


def fanout(queue: str) -> dict[str, Any]:
    from django.db import transaction

    from actors.models import Person
    from notifications.kinds import register_kind
    from notifications.models import Channel, Notification
    from notifications.services import Outgoing, notifications_queue

    from .processes import SmtpSink, celery_worker, worker_rss

    register_kind("bench_fanout", label="Bench fan-out", choosable=False)

    people = list(
        Person.objects.filter(user__username__startswith="bank.")
        .exclude(email="")
        .order_by("pk")[:FANOUT_RECIPIENTS]
    )
    runs = []
    for workers in (1, 2):
        key = f"bench-fanout-{workers}-{time.time_ns()}"
        messages = [
            Outgoing(
                recipient=person,
                kind="bench_fanout",
                subject="Aktivering: samverkan behövs (bänktest)",
                body="Samordnande forum är aktiverat. Kvittera att du har tagit emot larmet.",
                reason="Du innehar en plats i ett aktiverat forum.",
                key=f"{key}:{person.pk}",
            )
            for person in people
        ]
        with (
            SmtpSink() as sink,
            celery_worker(_worker_env(sink), processes=workers, queue=queue) as worker,
        ):
            marks: dict[str, float] = {}
            started = time.perf_counter()
            with transaction.atomic():
                # Registered first, so it runs first: the moment the rows are committed.
                transaction.on_commit(
                    lambda m=marks: m.setdefault("committed", time.perf_counter())
                )
                ids = notifications_queue(messages)
            enqueued = time.perf_counter()
            emails = Notification.objects.filter(dedupe_key__startswith=key, channel=Channel.EMAIL)
            delivered = _wait(
                lambda s=sink, e=emails: (
                    s.count() >= len(people)
                    and e.filter(status=Notification.Status.SENT).count() == len(people)
                ),
                "fan-out delivery",
            )
            rows = Notification.objects.filter(dedupe_key__startswith=key).count()
            received = sink.count()
            rss = worker_rss(worker)
        runs.append(
            {
                "workers": workers,
                "rows": rows,
                "queued_ids": len(ids),
                "written_s": marks["committed"] - started,
                "enqueued_s": enqueued - started,
                "delivered_s": delivered - started,
                "smtp_received": received,
                "rss_mib": rss,
            }
        )
    return {"fanout": {"recipients": len(people), "runs": runs}}


def surge_people(queue: str, spec: str) -> dict[str, Any]:
    from .world.surge import surge_people as make

    wanted = json.loads(spec)
    people = make(members=wanted["members"], reporters=wanted["reporters"], ackers=wanted["ackers"])
    _anonymous, member = _clients()
    # The version the members' open pages show when the surge starts (their first ``since``).
    people["since"] = next(t for t in _resolve(member) if t["key"] == "poll")["path"].split(
        "since="
    )[1]
    return {"surge_people": people}


def surge_count(queue: str, spec: str) -> dict[str, Any]:
    from .world.surge import surge_counts

    wanted = json.loads(spec)
    return {
        "surge_count": surge_counts(
            wanted["incident"], wanted["direction"], marker=wanted.get("marker")
        )
    }


COMMANDS = {
    "targets": targets,
    "queries": queries,
    "invoicing": invoicing,
    "fanout": fanout,
    "surge_people": surge_people,
    "surge_count": surge_count,
}


def main() -> None:
    import django

    command = sys.argv[1]
    queue = f"bench-{os.getpid()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssr_portal.settings")
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = queue  # the workers started here listen on it
    django.setup()
    result = COMMANDS[command](queue, *sys.argv[2:])
    print("BENCH_JSON " + json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main()
