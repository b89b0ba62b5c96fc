"""The membership part of the actor page (the actors app itself knows nothing of membership)."""

from django import template

from ..models import Agreement

register = template.Library()


@register.inclusion_tag("membership/_actor_membership.html", takes_context=True)
def actor_membership(context, actor):
    return {
        "actor": actor,
        "agreements": list(Agreement.objects.filter(actor=actor).order_by("-signed_on")),
        "is_secretariat": context.get("is_secretariat"),
    }
