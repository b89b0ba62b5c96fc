"""Publishing the common situation picture: a new version per audience with a frozen snapshot of
the latest reports, directions and published messages, logged on the incident's timeline."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.queue import hand_over
from core.rules import require
from forums.models import SharingLevel

from .. import selectors as incident_selectors
from ..models import Incident, JointMessage, SituationPicture
from ..support import selectors as support_selectors
from ..timeline import log
from . import selectors
from .tasks import announce_picture, render_picture_pdf


def _snapshot(incident: Incident, audience: str) -> list[dict]:
    """The actors' rows frozen with the picture. The short version goes outside the activated
    forums: it keeps only the actors whose latest report may be shared that widely."""
    rows = []
    for row in incident_selectors.reporting_overview(incident):
        report = row.report
        if not selectors.shareable(audience, report):
            continue
        rows.append(
            {
                "actor": row.actor.name,
                "actor_id": row.actor.pk,
                "municipality_codes": [row.actor.municipality_code]
                if row.actor.municipality_code
                else [],
                "status": row.status.status if row.status else "",
                "impact": report.impact if report else "",
                "situation": report.situation if report else "",
                "needs": report.needs if report else "",
                "report_version": report.version if report else None,
                "sharing_level": report.sharing_level if report else None,
                "reported_at": report.submitted_at.isoformat() if report else None,
            }
        )
    return rows


@transaction.atomic(durable=True)
def picture_publish(
    *,
    incident: Incident,
    audience: str,
    summary: str,
    published_by: Any,
    needs_and_requests: str = "",
    sharing_level: str | None = None,
) -> SituationPicture:
    """Publish a new version of the common picture for one audience; the per-actor part is a
    frozen snapshot of the latest reports (for the short version only those its audience may
    see). A worker announces it and renders its PDF after the commit."""
    require(
        incident_selectors.can_coordinate(published_by),
        _("Only the RSIB on duty or the secretariat can publish."),
    )
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    require(incident.is_active, _("The incident is not activated."))
    require(bool(summary.strip()), _("Write the summary."))
    require(audience in SituationPicture.Audience.values, _("Unknown audience."))
    short = audience == SituationPicture.Audience.SHORT
    if sharing_level is None:
        sharing_level = SharingLevel.NETWORK if short else SharingLevel.FORUM
    if short and sharing_level not in selectors.SHORT_SHARING_LEVELS:
        raise ValidationError(
            {
                "sharing_level": _(
                    "The short version goes to actors outside the activated forums: share it "
                    "with the network's members or publicly."
                )
            }
        )
    last = incident.pictures.filter(audience=audience).aggregate(last=Max("version"))["last"] or 0
    picture = SituationPicture.objects.create(
        incident=incident,
        audience=audience,
        version=last + 1,
        summary=summary.strip(),
        needs_and_requests=needs_and_requests.strip(),
        actor_snapshot=_snapshot(incident, audience),
        directions_snapshot=[
            {
                "text": d.text,
                "decided_at": d.decided_at.isoformat(),
                "valid_until": d.valid_until.isoformat() if d.valid_until else None,
            }
            for d in incident.directions.filter(
                Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now())
            ).order_by("decided_at")
        ],
        messages_snapshot=[
            {"target_group": m.target_group, "channel": m.channel, "text": m.text}
            for m in incident.messages.filter(status=JointMessage.Status.PUBLISHED).order_by(
                "published_at"
            )
        ],
        # The requests between actors are for the activated forums, not the short version.
        requests_snapshot=support_selectors.snapshot(incident)
        if audience == SituationPicture.Audience.FULL
        else [],
        sharing_level=sharing_level,
        published_by=published_by,
    )
    picture.reports.set(
        r for r in incident_selectors.latest_reports(incident) if selectors.shareable(audience, r)
    )
    log(
        incident,
        published_by,
        "picture",
        _("Situation picture published: %(audience)s, version %(version)s.")
        % {"audience": picture.get_audience_display(), "version": picture.version},
    )
    # The picture not yet announced and without its PDF is the work, done by workers after the
    # commit (the announcement reaches a few hundred people: not in the publisher's request);
    # if the broker is down now, the beat sweeps (incidents.tasks.requeue_picture_announcements
    # and requeue_picture_pdfs) queue it again later.
    hand_over(announce_picture, picture.pk)
    hand_over(render_picture_pdf, picture.pk)
    return picture
