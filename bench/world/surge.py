"""The people of the crisis surge (``make bench``'s surge step): distinct members with sessions,
the actors' reporters with sessions and API tokens, the RSIB on duty with a verified second
factor, and the members who acknowledge a direction, all for the bench incident.

Made in bulk after the seed, in the database the surge is run against. The bench incident's
activated forums and affected municipalities give view access to about ninety people (the seed
world has ten people per actor), so the surge widens it as a county-wide crisis would: the
affected municipalities are extended until ``reporters`` actors are involved, and the portal's
``incident_access_sync`` grants their people access; the other members are granted
``view_incident`` with the rows that service writes (guardian's direct table). Nobody with an
RSIB or RKK shift is chosen as a member, since they would be asked for a second factor.
"""

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from actors.models import Actor, Person
from api.models import ApiToken, Scope
from api.services import TOKEN_PREFIX
from api.services import _hash as token_hash
from incidents import selectors as incident_selectors
from incidents.models import (
    COORDINATOR_ROLES,
    Direction,
    Incident,
    IncidentUserObjectPermission,
    OnCallRole,
    Shift,
    SituationPicture,
    SituationReport,
)
from incidents.roster.selectors import shifts_at
from incidents.services import incident_access_sync

from .base import BENCH_INCIDENT_TITLE

BATCH = 2_000


def _session(user, *, device: TOTPDevice | None = None) -> str:
    """A logged-in session through Django's own login (the configured session engine), as the
    member's browser holds after logging in; with ``device``, the second factor verified."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _token(actor: Actor, user) -> str:
    """A bearer token of the actor's own system, made as ``api.services.token_create`` makes
    one (its check that the creator is the actor's designated contact is left out)."""
    token = ApiToken.objects.create(
        actor=actor,
        name="Bänkens rapportsystem",
        scopes=[Scope.SUBMIT_REPORTS, Scope.READ_INCIDENTS],
        expires_at=timezone.now() + datetime.timedelta(days=30),
        created_by=user,
        secret_hash="",
    )
    whole = f"{TOKEN_PREFIX}_{token.pk}_{secrets.token_urlsafe(32)}"
    ApiToken.objects.filter(pk=token.pk).update(secret_hash=token_hash(whole))
    return whole


def _involve(incident: Incident, reporters: int) -> list[Actor]:
    """``reporters`` involved actors: the expected ones, then more municipalities affected."""
    expected = incident_selectors.expected_actors(incident)
    if len(expected) < reporters:
        known = {a.pk for a in expected}
        more = [
            a
            for a in Actor.objects.filter(kind=Actor.Kind.MUNICIPALITY).order_by("pk")
            if a.pk not in known
        ][: reporters - len(expected)]
        incident.affected_municipalities.add(*more)
        incident_access_sync(incidents=[incident])
        expected = incident_selectors.expected_actors(incident)
    return expected[:reporters]


def surge_people(*, members: int, reporters: int, ackers: int, api_every: int = 2) -> dict:
    """Sessions and tokens for the surge; everything the load generator needs, as JSON."""
    incident = Incident.objects.get(title=BENCH_INCIDENT_TITLE)
    with transaction.atomic():
        actors = _involve(incident, reporters)
    on_call = set(
        Shift.objects.filter(role__in=COORDINATOR_ROLES).values_list("person_id", flat=True)
    )
    free = [
        p
        for p in Person.objects.filter(user__username__startswith="bank.")
        .select_related("user")
        .order_by("pk")
        if p.pk not in on_call
    ]
    reporter_people = []
    for actor in actors:
        person = next((p for p in free if p.actor_id == actor.pk), None)
        if person is None:
            raise RuntimeError(f"No member of {actor} is free to report for it")
        reporter_people.append(person)
    taken = {p.pk for p in reporter_people}
    rest = [p for p in free if p.pk not in taken]
    if len(rest) < members + ackers:
        raise RuntimeError(
            f"The surge needs {members + ackers} members besides the reporters; "
            f"the seed has {len(rest)} without on-call shifts (raise --scale)."
        )
    watchers, acking = rest[:members], rest[members : members + ackers]

    permission = Permission.objects.get(
        content_type__app_label="incidents", codename="view_incident"
    )
    have = set(
        IncidentUserObjectPermission.objects.filter(
            content_object=incident, permission=permission
        ).values_list("user_id", flat=True)
    )
    IncidentUserObjectPermission.objects.bulk_create(
        [
            IncidentUserObjectPermission(
                user_id=p.user_id, content_object=incident, permission=permission
            )
            for p in [*reporter_people, *watchers, *acking]
            if p.user_id not in have
        ],
        batch_size=BATCH,
    )

    rsib_shift = shifts_at().filter(role=OnCallRole.RSIB).select_related("person__user").first()
    if rsib_shift is None:
        raise RuntimeError("Nobody is on duty as RSIB in the bench roster")
    rsib = rsib_shift.person.user
    device = TOTPDevice.objects.create(user=rsib, name="Bänktelefon", confirmed=True)
    # Access and picture caches of earlier runs (same ids after a re-seed) are not this run's.
    cache.clear()

    direction = Direction.objects.filter(incident=incident).order_by("-pk").first()
    return {
        "incident": incident.pk,
        "direction": direction.pk,
        "rsib": {"user": rsib.username, "session": _session(rsib, device=device)},
        "reporters": [
            {
                "actor": actor.pk,
                "user": person.user.username,
                "session": _session(person.user),
                "token": _token(actor, person.user) if index % api_every == 1 else None,
            }
            for index, (actor, person) in enumerate(zip(actors, reporter_people, strict=True))
        ],
        "members": [_session(p.user) for p in watchers],
        "ackers": [_session(p.user) for p in acking],
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "counts": surge_counts(incident.pk, direction.pk, marker=None),
    }


def surge_counts(incident: int, direction: int, *, marker: str | None) -> dict[str, Any]:
    """What the surge wrote: the reports carrying ``marker`` (one line each, so that lost and
    duplicated reports show), pictures and acknowledgements."""
    reports = SituationReport.objects.filter(incident_id=incident)
    # Announced: by the worker after the publication's commit (the notifications written).
    pictures = SituationPicture.objects.filter(incident_id=incident).aggregate(
        pictures=Count("pk"), announced=Count("pk", filter=Q(announced_at__isnull=False))
    )
    found: dict[str, Any] = {
        "reports": reports.count(),
        **pictures,
        "unannounced": pictures["pictures"] - pictures["announced"],
        "acknowledgements": Direction.objects.get(pk=direction).acknowledgements.count(),
    }
    if marker is not None:
        found["report_tags"] = [
            line
            for text in reports.filter(situation__contains=marker).values_list(
                "situation", flat=True
            )
            for line in text.splitlines()
            if line.startswith(marker)
        ]
    return found
