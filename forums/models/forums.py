"""The collaboration levels and their forums, and the modes and sharing levels the rest of
the portal uses."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from actors.models import Actor


class Mode(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary mode")
    ACTIVATED = "activated", _("Activated mode")


class SharingLevel(models.TextChoices):
    """Who may see a shared item. Security-classified information never enters the portal."""

    PUBLIC = "public", _("Public")
    NETWORK = "network", _("The network's members")
    FORUM = "forum", _("This forum only")


class CollaborationLevel(models.Model):
    """A level of the collaboration model (samverkansnivå), plus Regionala rådet above them."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("collaboration level")
        verbose_name_plural = _("collaboration levels")

    def __str__(self) -> str:
        return self.name


class Forum(models.Model):
    """A forum of the network. A standing forum has an ordinary and an activated form: the same
    seats, another name (Regional chefsgrupp ↔ Inriktande forum) while its level is activated."""

    class Kind(models.TextChoices):
        STANDING = "standing", _("Standing forum")
        COUNCIL = "council", _("Council")
        WORKING_GROUP = "working_group", _("Working group")
        THEME_GROUP = "theme_group", _("Theme group")
        COMMITTEE = "committee", _("Committee")

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STANDING)
    level = models.ForeignKey(
        CollaborationLevel,
        verbose_name=_("collaboration level"),
        on_delete=models.PROTECT,
        related_name="forums",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subforums",
        help_text=_("For working groups, theme groups and committees under a forum."),
    )
    purpose = models.TextField(_("purpose and mandate"), blank=True)
    convening_actor = models.ForeignKey(
        Actor,
        verbose_name=_("convening actor"),
        on_delete=models.PROTECT,
        related_name="convened_forums",
    )
    activated_name = models.CharField(
        _("name in activated mode"),
        max_length=150,
        blank=True,
        help_text=_("E.g. Inriktande forum. Empty if the forum has no activated form."),
    )
    co_location_name = models.CharField(
        _("co-location in activated mode"),
        max_length=150,
        blank=True,
        help_text=_("E.g. Samverkansstab: the optional physical co-location when activated."),
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ORDINARY)
    is_active = models.BooleanField(_("active"), default=True)
    escalation_minutes = models.PositiveSmallIntegerField(
        _("escalation after (minutes)"),
        default=15,
        help_text=_(
            "A seat that has not acknowledged an activation alert within this time is alerted "
            "again with its deputies; after as long again the RSIB on duty is told."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["level__position", "name"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        constraints = [
            models.CheckConstraint(
                condition=Q(mode="ordinary") | ~Q(activated_name=""),
                name="forum_activated_needs_activated_form",
            ),
        ]

    def __str__(self) -> str:
        return self.current_name

    def get_absolute_url(self) -> str:
        return reverse("forums:forum_detail", args=[self.pk])

    @property
    def is_activated(self) -> bool:
        return self.mode == Mode.ACTIVATED

    @property
    def current_name(self) -> str:
        if self.is_activated and self.activated_name:
            return self.activated_name
        return self.name

    @property
    def has_activated_form(self) -> bool:
        return bool(self.activated_name)


class ForumUserObjectPermission(UserObjectPermissionBase):
    """guardian's direct foreign-key table for forum permissions (fast joins, no generic FK)."""

    content_object = models.ForeignKey(Forum, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("forum permission")
        verbose_name_plural = _("forum permissions")
