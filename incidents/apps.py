from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """Activated mode: incidents, situation reports, the common picture, the on-call roster."""

    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from actors.signals import assignments_changed, personal_data_export

        from . import tasks  # noqa: F401  (registers the tasks the services send by name)
        from .picture import tasks as picture_tasks  # noqa: F401
        from .support import tasks as support_tasks  # noqa: F401

        assignments_changed.connect(_sync_incident_access, dispatch_uid="incidents-access")
        from .picture import live

        live.connect()  # the live picture's cached state follows its rows
        from . import crisis

        crisis.connect()  # the start page's cached next steps follow their rows
        from . import involved

        involved.connect()  # the incident's cached involved actors follow their rows
        from core.auth_cache import on_write

        from .models import Shift
        from .roster.selectors import shift_written

        # The header's "on duty now" line is cached (roster.selectors.on_duty_banner).
        on_write(shift_written, [Shift], uid="incidents-on-duty")

        from . import alerts, reach

        alerts.seats_escalated.connect(
            lambda sender, alerts, **_: reach.alert_silent_actors(alerts),
            weak=False,
            dispatch_uid="incidents-reach-escalated",
        )
        alerts.acknowledged_in_portal.connect(
            lambda sender, incident, person, actors, **_: reach.acknowledge_in_portal(
                incident=incident, person=person, actors=actors
            ),
            weak=False,
            dispatch_uid="incidents-reach-portal",
        )
        personal_data_export.connect(_export_shifts, dispatch_uid="incidents-personal-data")

        from notifications.kinds import register_kind

        register_kind(
            "activation_alert",
            label=_("Activation alerts"),
            mandatory_channels=("email", "sms", "portal"),
        )
        # A signal wakes the RSIB on duty (or the fallback): no channel can be switched off.
        register_kind(
            "signal_alert",
            label=_("Signals of a need for collaboration"),
            mandatory_channels=("email", "sms", "portal"),
        )
        from .conferences import kinds as conference_kinds
        from .support import kinds as support_kinds

        conference_kinds.register()
        support_kinds.register()
        from . import webhooks

        webhooks.register()
        register_kind("report_reminder", label=_("Report reminders"))
        register_kind("picture_published", label=_("New situation picture"))
        register_kind("direction_issued", label=_("Directions"), mandatory_channels=("portal",))
        register_kind("joint_message_approved", label=_("Joint messages"))
        register_kind(
            "joint_message_cosign",
            label=_("Joint messages awaiting my signature"),
            mandatory_channels=("portal",),
        )
        register_kind(
            "incident_deactivated",
            label=_("Deactivation of joint mode"),
            mandatory_channels=("email", "portal"),
        )


def _sync_incident_access(sender, user_ids: set[int], **kwargs) -> None:
    from .services import incident_access_sync_users

    incident_access_sync_users(user_ids)


def _export_shifts(sender, person, **kwargs) -> dict:
    from .roster.services import personal_data

    return personal_data(person)
