from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from core.access import is_secretariat


def roles(request: HttpRequest) -> dict:
    """``is_secretariat`` for templates, evaluated only when a template asks."""
    return {"is_secretariat": SimpleLazyObject(lambda: is_secretariat(request.user))}
