"""Page patterns every app's views share: a form that saves through a service, and a
confirmation before an action that cannot be taken back. (The ground floor, so every app may
import it.)"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import idempotency


def apply_errors(form: BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when it names one."""
    if hasattr(exc, "error_dict"):
        for field_name, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field_name if field_name in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def form_page(
    request: HttpRequest,
    *,
    form: BaseForm,
    title: str,
    save: Callable[[dict[str, Any]], Any],
    success_message: str,
    cancel_url: str,
    multipart: bool = False,
    success_url: str | None = None,
    once: bool = True,
) -> HttpResponse:
    """Validate a bound form, save through a service and redirect to ``success_url``, else to
    what the service returned (an object with ``get_absolute_url`` or a URL), else to
    ``cancel_url``; or show the form with its errors (status 400).

    ``once`` (the default): the form carries a key and a repeated submit returns the first
    result instead of saving again (``core.idempotency``): a double click never creates,
    alerts, publishes or issues twice."""

    def answer() -> HttpResponse:
        if request.method == "POST" and form.is_valid():
            try:
                result = save(form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, success_message % {"object": result})
                if success_url:
                    return redirect(success_url)
                has_page = isinstance(result, str) or hasattr(result, "get_absolute_url")
                return redirect(result if has_page else cancel_url)
        return render(
            request,
            "core/form.html",
            {
                "form": form,
                "title": title,
                "cancel_url": cancel_url,
                "multipart": multipart,
                "idempotency_key": idempotency.new_key() if once else "",
            },
            status=400 if form.is_bound and form.errors else 200,
        )

    if once and request.method == "POST":
        return idempotency.once(request, answer)
    return answer()


def confirm_page(
    request: HttpRequest,
    *,
    action: Callable[[], Any],
    title: str,
    explanation: str,
    confirm_label: str,
    cancel_url: str,
    success_message: str,
    done_url: Any,
    once: bool = True,
) -> HttpResponse:
    """GET asks; POST acts through a service and redirects, or shows why it could not.
    ``once``: as for ``form_page``."""

    def answer() -> HttpResponse:
        error = None
        if request.method == "POST":
            try:
                action()
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, success_message)
                return redirect(done_url)
        return render(
            request,
            "core/confirm.html",
            {
                "title": title,
                "explanation": explanation,
                "error": error,
                "confirm_label": confirm_label,
                "cancel_url": cancel_url,
                "idempotency_key": idempotency.new_key() if once else "",
            },
            status=400 if error else 200,
        )

    if once and request.method == "POST":
        return idempotency.once(request, answer)
    return answer()
