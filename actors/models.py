"""The actor registry: who the network's parties are, which functions they have, who fills them.

Forums summon *functions*, not persons (seed 000): a seat names an actor's function, and whoever
holds that function today is the person summoned. So the registry keeps functions and the dated
assignments of people to them, never a list of people per forum.
"""

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .validators import validate_org_number, validate_peppol_id, validate_phone_number

municipality_code_validator = RegexValidator(
    r"^\d{4}$", _("A municipality code is four digits, e.g. 0126.")
)


class MunicipalCluster(models.Model):
    """A group of municipalities with one shared seat in the standing forums (kommunkluster)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipal cluster")
        verbose_name_plural = _("municipal clusters")

    def __str__(self) -> str:
        return self.name


class Actor(models.Model):
    """A party of the network (aktör): a municipality, an authority, a federation…"""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        COUNTY_ADMINISTRATIVE_BOARD = (
            "county_administrative_board",
            _("County administrative board"),
        )
        REGION = "region", _("Region")
        POLICE = "police", _("Police")
        ARMED_FORCES = "armed_forces", _("Armed forces")
        COAST_GUARD = "coast_guard", _("Coast guard")
        SOS_ALARM = "sos_alarm", _("SOS Alarm")
        TRANSPORT_ADMINISTRATION = "transport_administration", _("Transport administration")
        PORT = "port", _("Port")
        FIRE_RESCUE_FEDERATION = "fire_rescue_federation", _("Fire and rescue federation")
        OTHER = "other", _("Other")

    class MembershipType(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary member")
        ASSOCIATED = "associated", _("Associated member")

    class InvoiceDelivery(models.TextChoices):
        PEPPOL = "peppol", _("E-invoice (Peppol)")
        EMAIL = "email", _("PDF by e-mail")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    org_number = models.CharField(
        _("organisation number"),
        max_length=11,
        blank=True,
        validators=[validate_org_number],
        help_text=_("Ten digits, e.g. 212000-0142."),
    )
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=4,
        blank=True,
        validators=[municipality_code_validator],
        help_text=_("Four digits (SCB's kommunkod); municipalities only."),
    )
    cluster = models.ForeignKey(
        MunicipalCluster,
        verbose_name=_("municipal cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
    )
    rescue_service = models.ForeignKey(
        "self",
        verbose_name=_("rescue service"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="covered_municipalities",
        limit_choices_to={"kind": "fire_rescue_federation"},
        help_text=_("The fire and rescue federation that covers the municipality, if any."),
    )
    membership_type = models.CharField(
        _("membership type"),
        max_length=20,
        choices=MembershipType.choices,
        default=MembershipType.ORDINARY,
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    member_until = models.DateField(_("member until"), null=True, blank=True)
    invoice_address = models.TextField(_("invoice address"), blank=True)
    invoice_email = models.EmailField(_("invoice e-mail"), blank=True)
    peppol_id = models.CharField(
        _("Peppol participant id"),
        max_length=100,
        blank=True,
        validators=[validate_peppol_id],
        help_text=_("Scheme and identifier, e.g. 0007:2120000142."),
    )
    invoice_reference = models.CharField(
        _("invoice reference"),
        max_length=100,
        blank=True,
        help_text=_(
            "The buyer's own reference code for its invoices (Peppol BuyerReference), "
            "as the actor's accounts payable require it."
        ),
    )
    invoice_delivery = models.CharField(
        _("invoice delivery"),
        max_length=10,
        choices=InvoiceDelivery.choices,
        default=InvoiceDelivery.PEPPOL,
        help_text=_("E-invoice through Peppol, or PDF by e-mail for a buyer who asks for it."),
    )
    paid_internally = models.BooleanField(
        _("paid internally"),
        default=False,
        help_text=_(
            "The organisation that employs the secretariat pays its fee by internal transfer: "
            "booked, not invoiced."
        ),
    )
    phone = models.CharField(
        _("public phone"), max_length=30, blank=True, validators=[validate_phone_number]
    )
    email = models.EmailField(_("public e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # The 24/7 alert address: where the actor is reached when its seats are vacant, its people
    # do not answer, or it has no seat at all (an affected municipality). Kept by the secretariat.
    alert_label = models.CharField(
        _("24/7 alert address, name"),
        max_length=100,
        blank=True,
        help_text=_("Who answers there, e.g. TiB (tjänsteman i beredskap) or Funktionsbrevlåda."),
    )
    alert_email = models.EmailField(_("24/7 alert e-mail"), blank=True)
    alert_phone = models.CharField(
        _("24/7 alert phone"),
        max_length=30,
        blank=True,
        validators=[validate_phone_number],
        help_text=_("A mobile phone that takes SMS, staffed around the clock."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality_code"],
                condition=~Q(municipality_code=""),
                name="actor_unique_municipality_code",
            ),
            models.CheckConstraint(
                condition=Q(kind="municipality") | Q(municipality_code=""),
                name="actor_municipality_code_only_for_municipalities",
            ),
            models.CheckConstraint(
                condition=Q(kind="municipality") | Q(cluster__isnull=True),
                name="actor_cluster_only_for_municipalities",
            ),
            models.CheckConstraint(
                condition=Q(member_until__isnull=True)
                | Q(member_since__isnull=True)
                | Q(member_until__gte=models.F("member_since")),
                name="actor_membership_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("actors:actor_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_municipality(self) -> bool:
        return self.kind == self.Kind.MUNICIPALITY

    @property
    def has_alert_address(self) -> bool:
        return bool(self.alert_email or self.alert_phone)

    @property
    def alert_address_label(self) -> str:
        """What the board and messages call the 24/7 address ("TiB", "Funktionsbrevlåda")."""
        return self.alert_label or str(_("24/7 alert address"))

    @property
    def is_associated(self) -> bool:
        return self.membership_type == self.MembershipType.ASSOCIATED

    def is_member_on(self, day: datetime.date) -> bool:
        if self.member_since and day < self.member_since:
            return False
        return not (self.member_until and day > self.member_until)


class Function(models.Model):
    """A kind of role with a mandate (funktion): säkerhetschef, TiB, ledningscentral…

    The catalogue is shared by all actors so that a forum seat can name "the head of security"
    of any actor, or of whichever municipality represents a cluster.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("function")
        verbose_name_plural = _("functions")

    def __str__(self) -> str:
        return self.name


class ActorFunction(models.Model):
    """That an actor has a function; people are assigned to it."""

    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="actor_functions"
    )
    function = models.ForeignKey(
        Function,
        verbose_name=_("function"),
        on_delete=models.PROTECT,
        related_name="actor_functions",
    )
    mandate = models.TextField(
        _("mandate"), blank=True, help_text=_("What this function may decide for the actor.")
    )
    contact_phone = models.CharField(
        _("function phone"),
        max_length=30,
        blank=True,
        validators=[validate_phone_number],
        help_text=_("A phone that follows the function (e.g. a duty phone), not a person."),
    )
    contact_email = models.EmailField(_("function e-mail"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["actor__name", "function__name"]
        verbose_name = _("function at actor")
        verbose_name_plural = _("functions at actors")
        constraints = [
            models.UniqueConstraint(fields=["actor", "function"], name="actor_function_unique")
        ]

    def __str__(self) -> str:
        return f"{self.function} – {self.actor}"


class Person(models.Model):
    """Someone who fills functions; linked to a login when they use the portal."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    title = models.CharField(_("title"), max_length=200, blank=True)
    actor = models.ForeignKey(
        Actor,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="people",
        help_text=_("The organisation the person works for."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    mobile = models.CharField(
        _("mobile"), max_length=30, blank=True, validators=[validate_phone_number]
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("actors:person_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Assignment(models.Model):
    """A person holds (or deputises for) a function at an actor from one date to another."""

    class Role(models.TextChoices):
        HOLDER = "holder", _("Holder")
        DEPUTY = "deputy", _("Deputy")

    actor_function = models.ForeignKey(
        ActorFunction,
        verbose_name=_("function at actor"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.HOLDER)
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(
        _("to"), null=True, blank=True, help_text=_("Leave empty while the assignment lasts.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["actor_function", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.actor_function} ({self.get_role_display()})"

    @property
    def is_holder(self) -> bool:
        return self.role == self.Role.HOLDER

    @property
    def is_deputy(self) -> bool:
        return self.role == self.Role.DEPUTY

    def is_current_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class PopulationFigure(models.Model):
    """Registered population of a municipality on a reference date, with its source and its
    provenance: SCB's own table, SCB's figure as another source republished it, or demo data
    (never a basis for a fee)."""

    class Kind(models.TextChoices):
        SCB = "scb", _("SCB (official)")
        REPUBLISHED = "republished", _("SCB figure republished by another source")
        DEMO = "demo", _("Demo data (not real)")

    actor = models.ForeignKey(
        Actor,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="population_figures",
        limit_choices_to={"kind": "municipality"},
    )
    reference_date = models.DateField(_("reference date"))
    inhabitants = models.PositiveIntegerField(_("inhabitants"), validators=[MinValueValidator(1)])
    source = models.CharField(_("source"), max_length=300, default="SCB")
    kind = models.CharField(_("provenance"), max_length=12, choices=Kind.choices, default=Kind.SCB)

    history = HistoricalRecords()

    class Meta:
        ordering = ["actor__name", "-reference_date"]
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "reference_date"], name="population_unique_actor_date"
            ),
            models.CheckConstraint(
                condition=Q(inhabitants__gt=0), name="population_inhabitants_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor}: {self.inhabitants} ({self.reference_date:%Y-%m-%d})"


class IdentityProvider(models.Model):
    """An actor's own OpenID Connect identity provider (Entra ID, a federation…): people whose
    e-mail domain is listed log in there instead of with a password of the portal.

    The endpoints are read from the issuer's discovery document unless given here. The client
    secret is stored as entered (the database is the portal's secret store, as for the other
    credentials it holds); it is left out of the history so that an old secret is not kept.
    """

    DEFAULT_MFA_AMR = "mfa, otp, hwk, swk"

    actor = models.OneToOneField(
        Actor,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        related_name="identity_provider",
    )
    name = models.CharField(
        _("display name"), max_length=120, help_text=_("E.g. Huddinge kommun (Entra ID).")
    )
    issuer = models.URLField(
        _("issuer"),
        max_length=300,
        help_text=_("Exactly as the provider writes it in its tokens (the iss claim)."),
    )
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret = models.CharField(
        _("client secret"), max_length=500, help_text=_("Stored as entered; not kept in history.")
    )
    authorization_endpoint = models.URLField(
        _("authorisation endpoint"),
        max_length=300,
        blank=True,
        help_text=_("Leave the three endpoints empty to read them from the issuer's discovery."),
    )
    token_endpoint = models.URLField(_("token endpoint"), max_length=300, blank=True)
    jwks_uri = models.URLField(_("key set (JWKS) URL"), max_length=300, blank=True)
    mfa_amr_values = models.CharField(
        _("amr values that count as two-factor"),
        max_length=300,
        blank=True,
        default=DEFAULT_MFA_AMR,
        help_text=_("Comma separated; any one of them in the token's amr claim is enough."),
    )
    mfa_acr_values = models.CharField(
        _("acr values that count as two-factor"),
        max_length=300,
        blank=True,
        help_text=_("Comma separated, e.g. http://id.elegnamnden.se/loa/1.0/loa3."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["client_secret"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        constraints = [
            # Explicit endpoints are all given or none (then discovery is used).
            models.CheckConstraint(
                condition=(
                    Q(authorization_endpoint="", token_endpoint="", jwks_uri="")
                    | (~Q(authorization_endpoint="") & ~Q(token_endpoint="") & ~Q(jwks_uri=""))
                ),
                name="identity_provider_endpoints_all_or_none",
                violation_error_message=_(
                    "Give all three endpoints, or none to use the issuer's discovery document."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def uses_discovery(self) -> bool:
        return not self.authorization_endpoint

    @staticmethod
    def _values(text: str) -> set[str]:
        return {v.strip() for v in text.replace("\n", ",").split(",") if v.strip()}

    def asserts_mfa(self, claims: dict) -> bool:
        """Whether the ID token's amr or acr claim says the provider checked a second factor."""
        amr = claims.get("amr") or []
        if isinstance(amr, str):
            amr = [amr]
        if self._values(self.mfa_amr_values) & {str(v) for v in amr}:
            return True
        acr = claims.get("acr")
        return bool(acr) and str(acr) in self._values(self.mfa_acr_values)


class IdentityProviderDomain(models.Model):
    """An e-mail domain whose people log in with the provider; a domain has one provider."""

    provider = models.ForeignKey(
        IdentityProvider,
        verbose_name=_("identity provider"),
        on_delete=models.CASCADE,
        related_name="domains",
    )
    domain = models.CharField(_("e-mail domain"), max_length=253, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["domain"]
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")),
                name="identity_provider_domain_lowercase",
            ),
        ]

    def __str__(self) -> str:
        return self.domain


class SignupRequest(models.Model):
    """Someone the actor's provider vouched for (a verified e-mail of its domain) who is not yet
    a person of the registry: the secretariat approves (a person and a login are made) or
    rejects."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the secretariat")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    provider = models.ForeignKey(
        IdentityProvider,
        verbose_name=_("identity provider"),
        on_delete=models.PROTECT,
        related_name="signup_requests",
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="signup_requests"
    )
    email = models.EmailField(_("e-mail"))
    subject = models.CharField(
        _("subject at the provider"), max_length=255, help_text=_("The sub claim.")
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("sign-up request")
        verbose_name_plural = _("sign-up requests")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "email"],
                condition=Q(status="pending"),
                name="signup_request_one_pending_per_email",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="signup_request_decided_when_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.actor})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
