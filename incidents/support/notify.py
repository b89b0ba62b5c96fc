"""What requests for support send, rendered here and queued in the services' transaction (the
outbox sends after commit). Every message's key names the request and the step, so a step is
told once whatever is retried."""

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Actor, Person
from notifications.models import Channel
from notifications.services import Outgoing, notifications_queue, render_message

from .. import selectors as incident_selectors
from ..models import SupportRequest, SupportRequestEvent
from .selectors import asker_label, participating_actors, recipients_label

KIND_REQUEST = "support_request"
KIND_ANSWER = "support_request_answer"


def actor_people(
    request: SupportRequest, actors: Iterable[Actor]
) -> tuple[dict[int, tuple[Person, list[str]]], list[tuple[Actor, str]]]:
    """Who acts for each actor in the incident: the holders of its seats in the activated
    forums; for an actor without one there, the holders of its functions, else its deputies
    (the people ``user_actors`` lets act for it). Per person: the person and the actors' names
    they are told for; and (actor, 24/7 e-mail) for an actor with nobody to tell."""
    wanted = {a.pk: a for a in actors}
    if not wanted:
        return {}, []
    chosen = incident_selectors.acting_people(request.incident, wanted)
    people: dict[int, tuple[Person, list[str]]] = {}
    addresses: list[tuple[Actor, str]] = []
    for actor_pk, assignments in chosen.items():
        actor = wanted[actor_pk]
        if not assignments and actor.alert_email:
            addresses.append((actor, actor.alert_email))
        for assignment in assignments:
            person, names = people.setdefault(assignment.person_id, (assignment.person, []))
            if actor.name not in names:
                names.append(actor.name)
    return people, addresses


def _link(request: SupportRequest) -> str:
    return request.get_absolute_url()


def _generic(subject: str, text: str, reason: str, link: str) -> tuple[str, str]:
    _subject, body, html = render_message(
        "email/generic",
        {
            "subject": subject,
            "text": text,
            "link": settings.SITE_URL + link if link else "",
            "reason": reason,
        },
    )
    return body, html


def _prefix(request: SupportRequest) -> str:
    return _("EXERCISE") + ": " if request.incident.is_exercise else ""


def raised(request: SupportRequest, asked: Iterable[Actor]) -> int:
    """Tell the people of the asked actors (each person once, naming every actor of theirs
    that is asked), or an actor's 24/7 address when nobody of it can be told."""
    incident = request.incident
    people, addresses = actor_people(request, asked)
    subject = _prefix(request) + _("Request for support in %(title)s: %(what)s") % {
        "title": incident.title,
        "what": request.title,
    }
    text = "\n\n".join(
        filter(
            None,
            [
                _(
                    "%(asker)s asks %(to)s for support (%(kind)s, priority %(priority)s), "
                    "needed by %(needed_by)s: %(what)s"
                )
                % {
                    "asker": asker_label(request),
                    "to": recipients_label(request),
                    "kind": request.get_kind_display().lower(),
                    "priority": request.get_priority_display().lower(),
                    "needed_by": f"{timezone.localtime(request.needed_by):%Y-%m-%d %H:%M}",
                    "what": request.title,
                },
                request.description,
                _("Accept, partly accept or decline it in the portal:"),
            ],
        )
    )
    link = _link(request)
    messages = []
    raiser = request.raised_by_id
    for person, names in people.values():
        if person.user_id == raiser:
            continue  # the asker knows
        reason = _("You get this because you can answer for %(actors)s.") % {
            "actors": ", ".join(names)
        }
        body, html = _generic(subject, text, reason, link)
        messages.append(
            Outgoing(
                recipient=person,
                kind=KIND_REQUEST,
                subject=subject,
                body=body,
                html=html,
                reason=reason,
                link=link,
                key=f"support:{request.pk}:raised",
                about=request,
            )
        )
    for actor, address in addresses:
        reason = _(
            "You get this at %(actor)s's 24/7 alert address: nobody of %(actor)s could be told "
            "in the portal."
        ) % {"actor": actor.name}
        body, html = _generic(subject, text, reason, link)
        messages.append(
            Outgoing(
                recipient=None,
                kind=KIND_REQUEST,
                subject=subject,
                body=body,
                html=html,
                reason=reason,
                key=f"support:{request.pk}:raised",
                about=request,
                address=address,
                channels=(Channel.EMAIL,),
            )
        )
    return len(notifications_queue(messages))


def _step_text(action: str) -> str:
    # The msgids spelled out, so that the catalogue has each of them.
    texts = {
        SupportRequestEvent.Action.ACCEPTED: _("%(actor)s accepted your request: %(what)s"),
        SupportRequestEvent.Action.PARTLY_ACCEPTED: _(
            "%(actor)s partly accepted your request: %(what)s"
        ),
        SupportRequestEvent.Action.DECLINED: _("%(actor)s declined your request: %(what)s"),
        SupportRequestEvent.Action.DELIVERED: _("%(actor)s delivered what you requested: %(what)s"),
        SupportRequestEvent.Action.EXPIRED: _("Your request expired unanswered: %(what)s"),
        SupportRequestEvent.Action.CLOSED: _("The request was closed: %(what)s"),
    }
    return texts[action]


def _tell(event: SupportRequestEvent, people: Iterable[Person], reason: str) -> int:
    request = event.request
    text = _step_text(event.action) % {
        "actor": event.actor.name if event.actor_id else "",
        "what": request.title,
    }
    subject = _prefix(request) + text
    body_text = "\n\n".join(filter(None, [text, event.note, _("The request in the portal:")]))
    link = _link(request)
    body, html = _generic(subject, body_text, reason, link)
    return len(
        notifications_queue(
            Outgoing(
                recipient=person,
                kind=KIND_ANSWER,
                subject=subject,
                body=body,
                html=html,
                reason=reason,
                link=link,
                key=f"support:{request.pk}:event:{event.pk}",
                about=request,
            )
            for person in people
        )
    )


def answered(event: SupportRequestEvent) -> int:
    """Tell the asker an answer, a delivery or the expiry of their request."""
    request = event.request
    asker = Person.objects.filter(user_id=request.raised_by_id).first()
    if asker is None or asker.user_id == event.by_id:
        return 0
    reason = _("You get this because you raised the request in %(title)s.") % {
        "title": request.incident.title
    }
    return _tell(event, [asker], reason)


def closed(event: SupportRequestEvent, accepted_by: Actor | None) -> int:
    """Tell the accepting actor's people that the request they took on was closed."""
    if accepted_by is None:
        return 0
    people, _addresses = actor_people(event.request, [accepted_by])
    reason = _("You get this because %(actor)s accepted the request.") % {"actor": accepted_by.name}
    return _tell(event, [p for p, _names in people.values() if p.user_id != event.by_id], reason)


def everyone_taking_part(request: SupportRequest) -> list[Actor]:
    """The actors a request to anyone is told to: all taking part, less the asker."""
    return [a for a in participating_actors(request.incident) if a.pk != request.raised_by_actor_id]
