"""Exporting a published joint message as CAP alerts. The RKK on duty (or the secretariat)
exports it on purpose: that is the moment it goes to the public's alerting systems, with the
urgency, severity and certainty they judge (a joint message carries none of these itself).

- The first export is an **Alert**. Exporting again with the same content returns it (one
  Alert per publication, however often the button is pressed).
- An export with other content (the judgement changed, the instruction was reworded, the
  affected municipalities grew) is an **Update** referencing every earlier alert.
- A **Cancel**, with a note saying why, references them all and ends the message's alerts.

Each alert is stored as sent (``CapAlert``, append-only) and checked against the OASIS schema
before it is stored: an invalid alert is never published."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rules import require

from .. import selectors as incident_selectors
from ..models import CapAlert, JointMessage
from ..timeline import log
from . import build


def may_export(user: Any) -> bool:
    return incident_selectors.can_communicate(user)


def _locked(message: JointMessage) -> JointMessage:
    return (
        JointMessage.objects.select_for_update(of=("self",))
        .select_related("incident", "incident__event_type")
        .get(pk=message.pk)
    )


def _store(
    message: JointMessage,
    content: build.AlertContent,
    *,
    msg_type: str,
    earlier: list[CapAlert],
    by: Any,
    note: str = "",
) -> CapAlert:
    sender = settings.CAP_SENDER
    sent = timezone.now().replace(microsecond=0)
    # Stable and unique: the sender's name space, the message and its alert's number.
    identifier = f"{sender}.ssr.jointmessage.{message.pk}.{len(earlier) + 1}"
    references = " ".join(alert.reference for alert in earlier)
    xml = build.alert_xml(
        content,
        identifier=identifier,
        sender=sender,
        sent=sent,
        msg_type=msg_type,
        references=references,
        note=note,
    )
    errors = build.schema_errors(xml)
    require(not errors, _("The CAP alert is not valid: %(errors)s") % {"errors": "; ".join(errors)})
    return CapAlert.objects.create(
        message=message,
        sender=sender,
        identifier=identifier,
        msg_type=msg_type,
        sent=sent,
        references=references,
        urgency=content.urgency,
        severity=content.severity,
        certainty=content.certainty,
        headline=content.headline,
        instruction=content.instruction,
        note=note,
        digest=content.digest,
        xml=xml,
        created_by=by,
    )


@transaction.atomic(durable=True)
def cap_export(
    *,
    message: JointMessage,
    urgency: str,
    severity: str,
    certainty: str,
    instruction: str = "",
    by: Any,
) -> CapAlert:
    """The message's Alert, or an Update when the content changed since its last alert."""
    require(may_export(by), _("Only the RKK on duty or the secretariat exports CAP alerts."))
    require(urgency in build.URGENCIES, _("Choose an urgency."))
    require(severity in build.SEVERITIES, _("Choose a severity."))
    require(certainty in build.CERTAINTIES, _("Choose a certainty."))
    message = _locked(message)
    require(
        message.status == JointMessage.Status.PUBLISHED,
        _("Only a published joint message can be exported as a CAP alert."),
    )
    earlier = list(message.cap_alerts.order_by("sent", "pk"))
    require(
        not any(a.msg_type == CapAlert.MsgType.CANCEL for a in earlier),
        _("The CAP alerts of this message were cancelled."),
    )
    content = build.content_for(
        message, urgency=urgency, severity=severity, certainty=certainty, instruction=instruction
    )
    if earlier and earlier[-1].digest == content.digest:
        return earlier[-1]
    msg_type = CapAlert.MsgType.UPDATE if earlier else CapAlert.MsgType.ALERT
    alert = _store(message, content, msg_type=msg_type, earlier=earlier, by=by)
    text = (
        _("CAP alert exported for the joint message to %(group)s.")
        if msg_type == CapAlert.MsgType.ALERT
        else _("CAP update exported for the joint message to %(group)s.")
    )
    log(message.incident, by, "message", text % {"group": message.target_group})
    return alert


@transaction.atomic(durable=True)
def cap_cancel(*, message: JointMessage, note: str, by: Any) -> CapAlert:
    """Cancel the message's alerts: a Cancel referencing each of them, with the reason."""
    require(may_export(by), _("Only the RKK on duty or the secretariat cancels CAP alerts."))
    require(bool(build.xml_text(note).strip()), _("Say why the alert is cancelled."))
    message = _locked(message)
    earlier = list(message.cap_alerts.order_by("sent", "pk"))
    require(bool(earlier), _("This message has no CAP alert to cancel."))
    last = earlier[-1]
    require(
        last.msg_type != CapAlert.MsgType.CANCEL,
        _("The CAP alerts of this message were cancelled."),
    )
    content = build.content_for(
        message,
        urgency=last.urgency,
        severity=last.severity,
        certainty=last.certainty,
        instruction=last.instruction,
    )
    alert = _store(
        message,
        content,
        msg_type=CapAlert.MsgType.CANCEL,
        earlier=earlier,
        by=by,
        note=build.xml_text(note).strip(),
    )
    log(
        message.incident,
        by,
        "message",
        _("CAP alert cancelled for the joint message to %(group)s: %(note)s")
        % {"group": message.target_group, "note": alert.note},
    )
    return alert
