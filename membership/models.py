"""Membership: agreements (and the periods they cover) and the fee schedules per budget year.

Seed 002 "Överenskommelse": an agreement is valid from signing (or an equivalent adoption
decision, seed 004), retroactively from 1 January of that year, and renews by full years; notice
given by 30 June ends it on 31 December that year, later notice on 31 December the next year.
"""

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor, Person
from actors.validators import validate_org_number, validate_phone_number
from core.append_only import AppendOnly

from .validators import validate_bankgiro, validate_postal_code

NOTICE_DEADLINE = (6, 30)  # month, day: "senast halvårsskiftet"


class Agreement(models.Model):
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="agreements"
    )
    signed_on = models.DateField(
        _("signed on"),
        help_text=_("The signature, or the date of an equivalent adoption decision."),
    )
    signatory_name = models.CharField(_("signatory"), max_length=200)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    document = models.FileField(_("signed document"), upload_to="agreements/", blank=True)
    termination_notified_on = models.DateField(
        _("notice of termination given on"), null=True, blank=True
    )
    invoice_contact = models.ForeignKey(
        Person,
        verbose_name=_("invoice contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    buyer_reference = models.CharField(
        _("buyer reference"),
        max_length=100,
        blank=True,
        help_text=_("Printed on the invoice (Peppol BuyerReference)."),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["actor__name", "-signed_on"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(termination_notified_on__isnull=True)
                | Q(termination_notified_on__gte=models.F("signed_on")),
                name="agreement_notice_after_signing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.signed_on:%Y-%m-%d})"

    @property
    def valid_from(self) -> datetime.date:
        """Retroactively from 1 January of the signing year."""
        return datetime.date(self.signed_on.year, 1, 1)

    @property
    def ends_on(self) -> datetime.date | None:
        """31 December of the notice year if notice came by 30 June, else of the next year."""
        notice = self.termination_notified_on
        if notice is None:
            return None
        deadline = datetime.date(notice.year, *NOTICE_DEADLINE)
        year = notice.year if notice <= deadline else notice.year + 1
        return datetime.date(year, 12, 31)

    def covers(self, year: int) -> bool:
        """Whether the agreement covers the budget year (a full-year fee whatever the date)."""
        if year < self.signed_on.year:
            return False
        return self.ends_on is None or year <= self.ends_on.year


class FeeSchedule(models.Model):
    """The fees of one budget year. Only an approved schedule can be invoiced."""

    class Model(models.TextChoices):
        PER_INHABITANT = "2024", _("Per inhabitant and fixed fees (2024 agreement)")
        COST_SPLIT = "2015", _("Half of the cost budget each (2015 model)")

    year = models.PositiveSmallIntegerField(_("budget year"), unique=True)
    model = models.CharField(
        _("fee model"), max_length=4, choices=Model.choices, default=Model.PER_INHABITANT
    )
    rate_per_inhabitant = models.DecimalField(
        _("rate per inhabitant (SEK)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("1.50"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    standard_fee = models.DecimalField(
        _("standard fee (SEK)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("280000.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    double_fee = models.DecimalField(
        _("double fee (SEK)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("560000.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    double_fee_actors = models.ManyToManyField(
        Actor, verbose_name=_("actors paying the double fee"), related_name="+", blank=True
    )
    cost_budget = models.DecimalField(
        _("total cost budget (SEK)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "2015 model: municipalities pay half by population, the others half by shares."
        ),
    )
    decision_reference = models.CharField(_("decision reference"), max_length=100, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by_body = models.CharField(
        _("approved by"),
        max_length=150,
        blank=True,
        help_text=_("The direction level, e.g. Regional chefsgrupp."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")

    def __str__(self) -> str:
        return str(_("Fee schedule %(year)s") % {"year": self.year})

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None

    @property
    def population_date(self) -> datetime.date:
        """Population on 31 December of the year before the budget year (seed 002)."""
        return datetime.date(self.year - 1, 12, 31)


class ScheduledFee(models.Model):
    """What an associated member pays (2024 model), or an actor's share (2015 model)."""

    schedule = models.ForeignKey(
        FeeSchedule, on_delete=models.CASCADE, related_name="scheduled_fees"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(
        _("fee (SEK)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    share = models.DecimalField(
        _("share of the other actors' half"),
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheduled fee")
        verbose_name_plural = _("scheduled fees")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "actor"], name="scheduled_fee_unique")
        ]

    def __str__(self) -> str:
        return f"{self.schedule.year}: {self.actor}"


class InvoiceCounter(models.Model):
    """The last number per series and year; locked while numbering, so numbers are gapless."""

    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="invoice_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last_number}"


class Invoice(models.Model):
    """An issued invoice or credit note. Never edited once issued: a credit note corrects it."""

    # Protected in the database (core.append_only): what may still change.
    append_only = AppendOnly(set_once=("pdf", "xml"), mutable=("emailed_at",))

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")
        # The fee of an actor that pays by internal transfer (the chair organisation that
        # employs the secretariat): booked, never sent; no PDF, e-invoice or OCR.
        INTERNAL = "internal", _("Internal settlement")

    class Delivery(models.TextChoices):
        PEPPOL = "peppol", _("E-invoice (Peppol)")
        EMAIL = "email", _("PDF by e-mail")
        NONE = "none", _("Not sent")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    number = models.CharField(_("number"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("budget year"))
    # Set on the invoice the annual run issues: one per actor and year, whatever happens.
    run_year = models.PositiveSmallIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="invoices"
    )
    credited_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("payment due date"))
    buyer_name = models.CharField(max_length=200)
    buyer_address = models.TextField(blank=True)
    buyer_org_number = models.CharField(max_length=11, blank=True)
    buyer_reference = models.CharField(max_length=100, blank=True)
    buyer_email = models.EmailField(blank=True)
    buyer_peppol_id = models.CharField(max_length=100, blank=True)
    # How the document reaches the buyer, as the actor asked when it was issued.
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.EMAIL
    )
    seller = models.JSONField(default=dict)
    vat_category = models.CharField(max_length=2, default="O")
    total = models.DecimalField(_("total (SEK)"), max_digits=14, decimal_places=2)
    ocr = models.CharField(_("OCR reference"), max_length=25, blank=True)
    pdf = models.FileField(upload_to="invoices/", blank=True)
    xml = models.FileField(upload_to="invoices/", blank=True)
    # When the invoice was handed to the outbox (the e-mail, or the e-invoice for the access
    # point): set once, under the row lock, in the transaction that queues the message.
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "run_year"],
                condition=Q(run_year__isnull=False),
                name="invoice_one_per_actor_and_run",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="invoice_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def is_internal(self) -> bool:
        return self.kind == self.Kind.INTERNAL

    @property
    def has_documents(self) -> bool:
        """Invoices and credit notes get a PDF and an e-invoice; an internal settlement none."""
        return self.kind != self.Kind.INTERNAL


class InvoiceLine(models.Model):
    # Protected in the database (core.append_only): what may still change.
    append_only = AppendOnly()

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=1)
    description = models.CharField(max_length=300)
    basis = models.CharField(max_length=500, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["invoice", "position"]

    def __str__(self) -> str:
        return self.description


class Payment(models.Model):
    """A payment received. Unmatched payments (no invoice) are kept for the secretariat.

    The row of a payment received is never changed: its amount is what the bank paid. The
    secretariat allocates an unmatched payment to invoices, or refunds it, with rows of their
    own (``allocated_from`` the payment received, source "allocation" with the invoice, or
    "refund" without one). An allocation counts as paid on its invoice (on its own date); the
    payment received stays unmatched and its unallocated amount is what its allocations and
    refunds leave (``membership.payments``)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Registered by hand")
        BGMAX = "bgmax", _("BgMax file")
        ALLOCATION = "allocation", _("Allocated from an unmatched payment")
        REFUND = "refund", _("Refund of an unmatched payment")

    # Sources of the rows that record money received (the others move it).
    RECEIVED = (Source.MANUAL, Source.BGMAX)

    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    amount = models.DecimalField(_("amount (SEK)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=35, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    source_file = models.CharField(max_length=200, blank=True)
    # A BgMax transaction is imported once, however often the file is.
    source_key = models.CharField(max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    allocated_from = models.ForeignKey(
        "self",
        verbose_name=_("allocated from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"], condition=~Q(source_key=""), name="payment_unique_source_key"
            ),
            # An allocation names its invoice, a refund none; both come from a payment received
            # and move a positive amount; a payment received comes from no other.
            models.CheckConstraint(
                condition=(
                    Q(source="allocation", allocated_from__isnull=False, invoice__isnull=False)
                    | Q(source="refund", allocated_from__isnull=False, invoice__isnull=True)
                    | (~Q(source__in=("allocation", "refund")) & Q(allocated_from__isnull=True))
                )
                & (Q(allocated_from__isnull=True) | Q(amount__gt=0)),
                name="payment_allocation_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.paid_on})"


class Reimbursement(models.Model):
    """An actor's claim for the reported cost of staffing RSIB/RKK in a year (seed 002)."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("reported cost (SEK)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    hours = models.DecimalField(
        _("on-call hours"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    # The hours the roster had for the actor's staff in RSIB and RKK shifts of the year, recorded
    # when the claim was made (the roster may change later); None for claims made before.
    rostered_hours = models.DecimalField(
        _("rostered hours"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    justification = models.TextField(
        _("justification of hours above the roster"),
        blank=True,
        help_text=_("Required when more hours are claimed than the roster has for the actor."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CLAIMED
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "actor__name"]
        verbose_name = _("reimbursement")
        verbose_name_plural = _("reimbursements")
        constraints = [
            models.UniqueConstraint(fields=["actor", "year"], name="reimbursement_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.year}"

    @property
    def is_claimed(self) -> bool:
        return self.status == self.Status.CLAIMED

    @property
    def hours_over_roster(self) -> Decimal | None:
        """Claimed hours minus rostered hours (negative: fewer than rostered); None if the
        roster was not recorded."""
        if self.rostered_hours is None:
            return None
        return self.hours - self.rostered_hours

    @property
    def is_over_roster(self) -> bool:
        difference = self.hours_over_roster
        return difference is not None and difference > 0

    @property
    def is_paid(self) -> bool:
        return self.status == self.Status.PAID


class SellerSettings(models.Model):
    """The seller on every invoice, the payment terms and the VAT categories: one row, edited by
    the secretariat (``membership.seller`` reads it; made from the environment on first read)."""

    SINGLETON_PK = 1
    DUE_DAYS_RANGE = (1, 120)

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK, editable=False)
    name = models.CharField(_("seller name"), max_length=200)
    org_number = models.CharField(
        _("organisation number"), max_length=11, blank=True, validators=[validate_org_number]
    )
    bankgiro = models.CharField(
        _("bankgiro"), max_length=9, blank=True, validators=[validate_bankgiro]
    )
    address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=6, blank=True, validators=[validate_postal_code]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(
        _("phone"), max_length=30, blank=True, validators=[validate_phone_number]
    )
    reference = models.CharField(_("contact or reference"), max_length=200, blank=True)
    due_days = models.PositiveSmallIntegerField(
        _("payment due days"),
        default=30,
        validators=[MinValueValidator(DUE_DAYS_RANGE[0]), MaxValueValidator(DUE_DAYS_RANGE[1])],
    )
    vat_categories = models.JSONField(_("VAT category per kind of actor"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoicing settings")
        verbose_name_plural = _("invoicing settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="seller_settings_single_row"),
            models.CheckConstraint(
                condition=Q(due_days__gte=1, due_days__lte=120),
                name="seller_settings_due_days_range",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Invoicing settings"))


class InvoiceTransmission(models.Model):
    """An invoice's e-invoice on its way through the Peppol access point: queued in the outbox
    with the invoice's documents, sent (the access point gave a transmission id), then delivered
    or rejected as the access point reports (``membership.transmissions``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent to the access point")
        DELIVERED = "delivered", _("Delivered")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    invoice = models.OneToOneField(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="transmission"
    )
    # The buyer's Peppol participant id ("scheme:identifier").
    receiver = models.CharField(_("receiver"), max_length=100)
    # The outbox row that carries the document (its uid is the access point's Idempotency-Key).
    notification_uid = models.UUIDField(null=True, blank=True)
    # How often the secretariat sent it again as a new message (the suffix of its outbox key).
    resends = models.PositiveSmallIntegerField(default=0)
    transmission_id = models.CharField(_("transmission id"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # The poll asks about the longest-unasked first.
    polled_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("e-invoice transmission")
        verbose_name_plural = _("e-invoice transmissions")
        indexes = [models.Index(fields=["status", "polled_at"])]

    def __str__(self) -> str:
        return f"{self.invoice_id} → {self.receiver}: {self.status}"

    @property
    def can_send_again(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.REJECTED)
