from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import secretariat_required

from . import channels, kinds, services
from .models import Channel, Notification, Preference


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(recipient__user=request.user, channel=Channel.PORTAL)
    page = Paginator(rows.order_by("-created_at"), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@require_GET
def inbox_item(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(
        Notification, pk=pk, recipient__user=request.user, channel=Channel.PORTAL
    )
    services.inbox_mark_read(user=request.user, notification=notification)
    return render(request, "notifications/inbox_item.html", {"notification": notification})


@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    services.inbox_mark_read(user=request.user)
    return redirect("notifications:inbox")


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    mandatory: dict[str, set[str]] = {}
    for kind, channel in services.mandatory_channels():
        mandatory.setdefault(kind, set()).add(channel)
    current = {(p.kind, p.channel): p.enabled for p in Preference.objects.filter(user=request.user)}
    offered_kinds = kinds.choosable_kinds()
    offered_channels = [channel for channel in channels.all() if channel.personal]
    rows = [
        (
            kind.key,
            kind.label,
            [
                (
                    channel.key,
                    channel.label,
                    current.get((kind.key, channel.key), True),
                    channel.key in mandatory.get(kind.key, set()),
                )
                for channel in offered_channels
            ],
        )
        for kind in offered_kinds
    ]
    if request.method == "POST":
        services.preferences_save(
            user=request.user,
            choices={
                (kind.key, channel.key): f"{kind.key}:{channel.key}" in request.POST
                for kind in offered_kinds
                for channel in offered_channels
            },
        )
        messages.success(request, _("Your choices were saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"rows": rows})


@secretariat_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Notification.Status.FAILED)
    if status not in Notification.Status.values:
        raise Http404
    rows = Notification.objects.filter(status=status).select_related("recipient")
    page = Paginator(rows.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "status": status,
            "statuses": Notification.Status.choices,
            "query": f"status={status}",
        },
    )


@secretariat_required
@require_POST
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    services.notification_retry(notification=get_object_or_404(Notification, pk=pk))
    messages.success(request, _("The message was queued again."))
    return redirect("notifications:outbox")
