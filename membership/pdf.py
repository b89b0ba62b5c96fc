from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from .fees import sek
from .models import Invoice


def invoice_html(invoice: Invoice) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "membership/pdf/invoice.html",
            {
                "invoice": invoice,
                "lines": [(line, sek(line.amount)) for line in invoice.lines.all()],
                "total": sek(invoice.total),
            },
        )


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def invoice_pdf(invoice: Invoice) -> bytes:
    return html_to_pdf(invoice_html(invoice))
