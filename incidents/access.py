"""The access checks activated-mode pages share: the incident a user may see, the actor they
act for, and the coordinator's pages."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from actors.models import Actor

from . import involved, selectors
from .models import Incident


def viewable_incident(request: HttpRequest, pk: int) -> Incident:
    """The incident, if the user may see it; 404 otherwise (its existence is not revealed)."""
    incident = get_object_or_404(Incident.objects.select_related("event_type"), pk=pk)
    if not selectors.can_view_incident(request.user, incident):
        raise Http404
    return incident


def acting_actor(request: HttpRequest, incident: Incident) -> Actor:
    """The actor the user acts for: ``actor`` from the request if it is one of theirs, else the
    first of theirs that takes part in the incident. 403 if they speak for none."""
    mine = selectors.user_actors(request.user)
    if selectors.can_coordinate(request.user) and request.POST.get("actor"):
        if not request.POST["actor"].isdigit():
            raise Http404
        return get_object_or_404(Actor, pk=request.POST["actor"])
    wanted = request.POST.get("actor") or request.GET.get("actor")
    if wanted:
        for actor in mine:
            if str(actor.pk) == wanted:
                return actor
        raise PermissionDenied
    expected = {a.pk for a in involved.cached_expected_actors(incident)}
    taking_part = [a for a in mine if a.pk in expected]
    if taking_part or mine:
        return (taking_part or mine)[0]
    raise PermissionDenied


def require_coordinator(request: HttpRequest) -> None:
    """403 unless the user is the secretariat or the RSIB on duty."""
    if not selectors.can_coordinate(request.user):
        raise PermissionDenied
