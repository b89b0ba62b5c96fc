from django.urls import path

from . import delivery_views, payment_views, seller_views, views

app_name = "membership"

urlpatterns = [
    path("medlemskap/", views.overview, name="overview"),
    path("medlemskap/avgiftsplaner/ny/", views.schedule_edit, name="schedule_create"),
    path("medlemskap/avgiftsplaner/<int:pk>/", views.schedule_edit, name="schedule_update"),
    path("medlemskap/overenskommelser/ny/", views.agreement_edit, name="agreement_create"),
    path("medlemskap/overenskommelser/<int:pk>/", views.agreement_edit, name="agreement_update"),
    path(
        "medlemskap/overenskommelser/<int:pk>/dokument/",
        views.agreement_document,
        name="agreement_document",
    ),
    path("medlemskap/fakturering/<int:year>/", views.invoice_run, name="invoice_run"),
    path(
        "medlemskap/fakturering/<int:year>/status/",
        views.invoice_run_progress,
        name="invoice_run_progress",
    ),
    path("medlemskap/fakturor/", views.invoice_list, name="invoice_list"),
    path("medlemskap/fakturor/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("medlemskap/fakturor/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("medlemskap/fakturor/<int:pk>/xml/", views.invoice_xml, name="invoice_xml"),
    path(
        "medlemskap/fakturor/<int:pk>/skicka-igen/",
        delivery_views.invoice_send_again,
        name="invoice_send_again",
    ),
    path("medlemskap/mina-fakturor/", views.my_invoices, name="my_invoices"),
    path("medlemskap/bgmax/", views.bgmax_upload, name="bgmax"),
    path("medlemskap/export/<int:year>/sie/", views.sie_download, name="sie"),
    path("medlemskap/export/<int:year>/csv/", views.csv_download, name="csv"),
    path("medlemskap/ersattningar/", views.reimbursements, name="reimbursements"),
    path(
        "medlemskap/ersattningar/<int:pk>/beslut/",
        views.reimbursement_decide,
        name="reimbursement_decide",
    ),
    path("medlemskap/arsbesked/<int:year>/", views.statement, name="statement"),
    path(
        "medlemskap/betalningar/ej-matchade/",
        payment_views.unmatched_payments,
        name="unmatched_payments",
    ),
    path(
        "medlemskap/betalningar/<int:pk>/fordela/",
        payment_views.payment_allocate,
        name="payment_allocate",
    ),
    path("medlemskap/installningar/", seller_views.seller_settings, name="seller_settings"),
]
