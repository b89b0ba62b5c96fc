"""The conference protocol as PDF (WeasyPrint), rendered from the frozen protocol."""

from django.utils import timezone

from ..models import ConferenceProtocol
from ..pdf import _render


def protocol_pdf(protocol: ConferenceProtocol) -> bytes:
    conference = protocol.conference
    return _render(
        "incidents/conferences/protocol_pdf.html",
        {
            "protocol": protocol,
            "content": protocol.content,
            "incident": conference.incident,
            "starts_at": timezone.localtime(conference.starts_at),
            "closed_at": timezone.localtime(protocol.created_at),
        },
    )
