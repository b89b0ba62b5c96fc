import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from notifications import kinds, services
from notifications.kinds import UnknownKind, register_kind
from notifications.models import Channel, KindPolicy, Notification
from notifications.services import Outgoing, notifications_queue
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_kind_no_app_registered_is_refused_and_nothing_is_written():
    message = Outgoing(
        recipient=PersonFactory(email="hanna@example.org"),
        kind="no_such_kind",
        subject="Ämne",
        body="Text",
        reason="R",
        key="k",
    )
    with pytest.raises(UnknownKind, match="no_such_kind"):
        notifications_queue([message])
    assert not Notification.objects.exists()


def _queued_kinds(path: Path) -> set[str]:
    """The literal kinds of the ``Outgoing(...)`` calls in a module (names resolved to the
    module's own string constants, a helper's ``kind`` parameter to what its callers pass)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    helpers = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any(arg.arg == "kind" for arg in node.args.args + node.args.kwonlyargs)
    }
    passed_on: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in helpers:
            for keyword in node.keywords:
                if keyword.arg == "kind" and isinstance(keyword.value, ast.Constant):
                    passed_on.setdefault("kind", set()).add(keyword.value.value)
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name != "Outgoing":
            continue
        for keyword in node.keywords:
            if keyword.arg != "kind":
                continue
            if isinstance(keyword.value, ast.Constant):
                found.add(keyword.value.value)
            elif isinstance(keyword.value, ast.Name | ast.Attribute):
                name = getattr(keyword.value, "id", None) or keyword.value.attr
                if name in constants or name not in passed_on:
                    found.add(constants.get(name, name))
                else:
                    # A helper's parameter: the kinds its callers in this module pass to it.
                    found |= passed_on[name]
    return found


def test_every_kind_the_apps_queue_is_registered():
    base = Path(settings.BASE_DIR).resolve()
    queued = set()
    for config in apps.get_app_configs():
        root = Path(config.path).resolve()
        if not root.is_relative_to(base) or ".venv" in root.parts:
            continue
        for path in root.rglob("*.py"):
            if "migrations" not in path.parts:
                queued |= _queued_kinds(path)
    assert {"activation_alert", "meeting", "invoice", "password_reset"} <= queued  # the scan works
    registered = {kind.key for kind in kinds.registered_kinds()}
    assert queued - registered == set()


def test_every_registered_kind_names_registered_channels():
    from notifications import channels

    keys = {channel.key for channel in channels.all()}
    for kind in kinds.registered_kinds():
        assert kind.mandatory_channels <= keys, kind.key


def test_kinds_users_never_choose_are_not_offered():
    offered = {kind.key for kind in kinds.choosable_kinds()}
    assert {"activation_alert", "meeting", "minutes_approved"} <= offered
    assert not offered & {"invoice", "password_reset"}


def test_registering_a_kind_again_is_harmless_but_differently_is_a_mistake():
    kind = kinds.get_kind("meeting")
    assert register_kind("meeting", label=kind.label) == kind
    with pytest.raises(ImproperlyConfigured):
        register_kind("meeting", label=kind.label, mandatory_channels=(Channel.EMAIL,))


def test_the_secretariats_policy_overrides_what_the_kind_registered():
    assert ("activation_alert", "sms") in services.mandatory_channels()
    assert ("meeting", "email") not in services.mandatory_channels()
    KindPolicy.objects.update_or_create(
        kind="activation_alert", defaults={"label": "Larm", "mandatory_channels": ["portal"]}
    )
    KindPolicy.objects.update_or_create(
        kind="meeting", defaults={"label": "Möten", "mandatory_channels": ["email"]}
    )
    mandatory = services.mandatory_channels()
    assert ("activation_alert", "sms") not in mandatory
    assert {("activation_alert", "portal"), ("meeting", "email")} <= mandatory
