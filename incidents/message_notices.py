"""What the senders of a joint message are told when it is corrected or withdrawn. Rendered
here, sent by the outbox; each notice has a key of its own (the edit's revision, the
withdrawal), so a repeated call queues nothing twice."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from actors.models import Person
from notifications.services import Outgoing, notifications_queue, render_message

from . import selectors
from .alerts import _activated_forum_people  # who the first approval told
from .models import JointMessage


def sender_people(
    message: JointMessage, *, actor_ids: Iterable[int] | None = None, skip_user: Any = None
) -> dict[int, tuple[Person, list[str]]]:
    """Per person: the person and the sending actors they can sign for, chosen as for the
    co-signing request (``alerts._cosigners``): the actor's holders of its seats in the
    activated forums, else the holders of its functions, else its deputies. ``actor_ids``
    limits it to some senders; ``skip_user`` (the one acting) is not told what they did."""
    actors = {s.actor_id: s.actor for s in message.signatures.select_related("actor")}
    if actor_ids is not None:
        wanted = set(actor_ids)
        actors = {pk: actor for pk, actor in actors.items() if pk in wanted}
    chosen = selectors.acting_people(message.incident, actors)
    skip = getattr(skip_user, "pk", None)
    people: dict[int, tuple[Person, list[str]]] = {}
    for actor_pk, assignments in chosen.items():
        for assignment in assignments:
            if skip is not None and assignment.person.user_id == skip:
                continue
            _person, names = people.setdefault(assignment.person_id, (assignment.person, []))
            if actors[actor_pk].name not in names:
                names.append(actors[actor_pk].name)
    return people


def _queue(
    message: JointMessage,
    people: dict[int, tuple[Person, list[str]]],
    *,
    kind: str,
    key: str,
    subject: str,
    lead: str,
    closing: str,
) -> list[int]:
    incident = message.incident
    link = incident.get_absolute_url() + "#messages-heading"
    outgoing = []
    for person, actors in people.values():
        reason = _("You get this because you can sign for %(actors)s.") % {
            "actors": ", ".join(actors)
        }
        text = "\n\n".join([lead % {"actors": ", ".join(actors)}, message.text, closing])
        _subject, body, html = render_message(
            "email/generic",
            {"subject": subject, "text": text, "link": settings.SITE_URL + link, "reason": reason},
        )
        outgoing.append(
            Outgoing(
                recipient=person,
                kind=kind,
                subject=subject,
                body=body,
                html=html,
                reason=reason,
                link=link,
                key=key,
                about=message,
            )
        )
    return notifications_queue(outgoing)


def sign_again(
    message: JointMessage, *, by: Any, actor_ids: Iterable[int] | None = None
) -> list[int]:
    """After an edit: the senders' people (or those of the senders just added) are asked to
    sign the new wording, once per person and edit."""
    facts = {
        "group": message.target_group,
        "channel": message.channel,
        "title": message.incident.title,
    }
    lead = (
        _(
            "The joint message to %(group)s (%(channel)s) in %(title)s was changed and needs "
            "your signature again."
        )
        % facts
    )
    return _queue(
        message,
        sender_people(message, actor_ids=actor_ids, skip_user=by),
        kind="joint_message_cosign",
        key=f"message-changed:{message.pk}:{message.revision}",
        subject=_("Sign again: joint message to %(group)s") % facts,
        lead=lead.replace("%", "%%") + " " + _("You sign for %(actors)s."),
        closing=_("Read and co-sign it in the portal:"),
    )


def withdrawn(message: JointMessage, *, by: Any) -> list[int]:
    """After a withdrawal: the senders' people are told why, once."""
    facts = {
        "group": message.target_group,
        "title": message.incident.title,
        "reason": message.withdrawn_reason,
    }
    lead = (
        _(
            "The joint message to %(group)s in %(title)s was withdrawn and will not be "
            "published. Reason: %(reason)s"
        )
        % facts
    )
    return _queue(
        message,
        sender_people(message, skip_user=by),
        kind="joint_message_approved",
        key=f"message-withdrawn:{message.pk}",
        subject=_("Joint message withdrawn: %(group)s") % facts,
        lead=lead.replace("%", "%%") + " " + _("You were named as a sender for %(actors)s."),
        closing=_("The incident in the portal:"),
    )


def approved_again(message: JointMessage) -> list[int]:
    """A corrected message approved again: the activated forums are told its new wording, as
    at the first approval (``alerts.message_approved``), once per revision."""
    incident = message.incident
    subject = _("Joint message approved for %(group)s") % {"group": message.target_group}
    body = "\n\n".join(
        [
            message.text,
            _("The message and the situation in the portal:")
            + "\n"
            + settings.SITE_URL
            + incident.get_absolute_url(),
        ]
    )
    return notifications_queue(
        Outgoing(
            recipient=person,
            kind="joint_message_approved",
            subject=subject,
            body=body,
            reason=reason,
            link=incident.get_absolute_url(),
            key=f"message:{message.pk}:{message.revision}",
            about=message,
        )
        for person, reason in _activated_forum_people(incident)
    )
