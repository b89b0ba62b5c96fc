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
    """Registered population of a municipality on a reference date, with its source."""

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
