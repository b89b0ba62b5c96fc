"""The CAP pages: a joint message's alerts (with export and cancel for the RKK), each alert's
XML as sent, and the Atom feed of all alerts. A CAP alert is the public version of a joint
message to the public, so the XML and the feed are open to anyone (alert systems poll them);
the message's page with its export buttons is for those who see the incident."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from lxml import etree

from core.pages import form_page

from ..access import viewable_incident
from ..models import CapAlert, JointMessage
from ..models.cap import cap_datetime
from . import build, selectors, services
from .forms import CapCancelForm, CapExportForm

ATOM = "http://www.w3.org/2005/Atom"
CAP_MIME = "application/cap+xml"


def _message(request: HttpRequest, pk: int) -> JointMessage:
    message = get_object_or_404(JointMessage.objects.select_related("incident"), pk=pk)
    viewable_incident(request, message.incident_id)
    return message


def _page_url(message: JointMessage) -> str:
    return reverse("incidents:cap_message", args=[message.pk])


@require_GET
def message_alerts(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    alerts = list(selectors.alerts_of(message))
    cancelled = any(a.msg_type == CapAlert.MsgType.CANCEL for a in alerts)
    may_export = services.may_export(request.user)
    return render(
        request,
        "incidents/cap/message_alerts.html",
        {
            "message": message,
            "incident": message.incident,
            "alerts": alerts,
            "may_export": may_export and message.status == JointMessage.Status.PUBLISHED,
            "may_cancel": may_export and bool(alerts) and not cancelled,
            "cancelled": cancelled,
        },
    )


@require_http_methods(["GET", "POST"])
def export(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    if not services.may_export(request.user):
        raise PermissionDenied
    last = message.cap_alerts.order_by("-sent", "-pk").first()
    initial = (
        {
            "urgency": last.urgency,
            "severity": last.severity,
            "certainty": last.certainty,
            "instruction": last.instruction,
        }
        if last
        else {}
    )
    return form_page(
        request,
        form=CapExportForm(request.POST or None, initial=initial),
        title=_("Export the joint message to %(group)s as a CAP alert")
        % {"group": message.target_group},
        save=lambda data: services.cap_export(message=message, by=request.user, **data),
        success_url=_page_url(message),
        success_message=_("The CAP alert is exported. Unchanged content gives no new alert."),
        cancel_url=_page_url(message),
    )


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    if not services.may_export(request.user):
        raise PermissionDenied
    return form_page(
        request,
        form=CapCancelForm(request.POST or None),
        title=_("Cancel the CAP alert of the joint message to %(group)s")
        % {"group": message.target_group},
        save=lambda data: services.cap_cancel(message=message, note=data["note"], by=request.user),
        success_url=_page_url(message),
        success_message=_("The CAP alert is cancelled."),
        cancel_url=_page_url(message),
    )


@login_not_required
@require_GET
def alert_xml(request: HttpRequest, pk: int) -> HttpResponse:
    alert = CapAlert.objects.filter(pk=pk).only("xml", "identifier").first()
    if alert is None:
        raise Http404
    response = HttpResponse(alert.xml.encode(), content_type=f"{CAP_MIME}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="cap-{alert.pk}.xml"'
    return response


@login_not_required
@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """Atom (RFC 4287) of the newest CAP alerts, newest first; each entry links to its XML as
    ``application/cap+xml``, the way CAP aggregators read alert feeds."""
    alerts = selectors.feed_alerts()
    self_url = settings.SITE_URL + reverse("incidents:cap_feed")

    def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str):
        element = etree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = build.xml_text(text)
        return element

    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "sv")
    sub(root, "id", self_url)
    sub(root, "title", _("CAP alerts from the SSR portal"))
    sub(root, "updated", cap_datetime(alerts[0].sent if alerts else timezone.now()))
    sub(root, "link", rel="self", href=self_url, type="application/atom+xml")
    author = sub(root, "author")
    sub(author, "name", settings.CAP_SENDER)
    for alert in alerts:
        url = settings.SITE_URL + reverse("incidents:cap_alert_xml", args=[alert.pk])
        entry = sub(root, "entry")
        sub(entry, "id", f"urn:cap:{alert.identifier}")
        title = f"{alert.get_msg_type_display()}: {alert.headline}"
        if alert.message.incident.is_exercise:
            title = _("Exercise") + " – " + title
        sub(entry, "title", title)
        sub(entry, "updated", cap_datetime(alert.sent))
        sub(entry, "published", cap_datetime(alert.sent))
        sub(entry, "link", rel="alternate", href=url, type=CAP_MIME)
        sub(entry, "summary", alert.message.text)
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
