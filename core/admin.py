"""The admin's shared base classes: the back office is the secretariat's, and records the portal
calls locked or append-only are read-only in every admin (``LockedRecordAdminMixin``)."""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.access import is_secretariat


class SecretariatPermissions:
    """The registry's back office is the secretariat's, whether or not they are staff."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_secretariat(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_secretariat(request.user)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return is_secretariat(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_secretariat(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_secretariat(request.user)


class SecretariatAdmin(SecretariatPermissions, SimpleHistoryAdmin):
    def _has_simple_history(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        # Some models keep no django-simple-history (the outbox of notifications), and
        # simple-history's page would look for a history manager they lack (a 500). Theirs is
        # the admin's own change log, on Django's own history page.
        if self._has_simple_history():
            return super().history_view(request, object_id, extra_context)
        response = admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        if isinstance(response, TemplateResponse):
            opts = self.model._meta
            response.template_name = [
                f"admin/{opts.app_label}/{opts.model_name}/object_history.html",
                f"admin/{opts.app_label}/object_history.html",
                "admin/object_history.html",
            ]
        return response

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if not self._has_simple_history():
            raise Http404  # no versions to show
        # django-simple-history saves a restored version on POST with view permission alone;
        # restoring is a change, of the object as it is now (not as the old version was).
        if request.method == "POST":
            current = self.get_object(request, unquote(object_id))
            if current is None or not self.has_change_permission(request, current):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def _refuse(request: HttpRequest, obj: Any = None) -> bool:
    return False


class LockedRecordAdminMixin:
    """What the portal calls locked or append-only is read-only in the admin too: approved
    minutes and everything of their meeting, adopted goals and plans, the incident record. The
    services refuse to change these and the database refuses for the append-only tables, so the
    admin must neither offer a form that can only fail nor change what only the services guard.

    ``append_only``: every object is locked, and none is added here (the portal writes them).
    Otherwise ``is_locked(obj)`` says which objects are. On a locked object nothing can be
    changed or deleted, its inlines are read-only, and no history version can be restored;
    ``locked_mutable_fields`` stay editable when the portal itself still changes them on a
    locked record (an action item's follow-up status). A new or changed object that would end up
    inside a locked record (attendance added to a meeting with approved minutes) is refused.

    Put it before ``SecretariatAdmin`` in the bases. tests/ssr_portal/test_admin_locked.py
    checks that every model protected by an append-only trigger has it.
    """

    append_only: bool = False
    locked_mutable_fields: Sequence[str] = ()
    locked_message = _("This record is locked and cannot be changed.")

    def is_locked(self, obj: Any) -> bool:
        return self.append_only

    def _locked(self, obj: Any) -> bool:
        return obj is not None and self.is_locked(obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return not self.append_only and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.append_only or (self._locked(obj) and not self.locked_mutable_fields):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.append_only or self._locked(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if self._locked(obj):
            readonly += [
                f.name
                for f in self.model._meta.get_fields()
                if (f.concrete or f.many_to_many)
                and f.editable
                and not f.auto_created
                and f.name not in self.locked_mutable_fields
                and f.name not in readonly
            ]
        return readonly

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if self._locked(obj):
            return form_class  # its fields are read-only; what stays editable may change
        model_admin = self

        class NotIntoALockedRecord(form_class):
            def _post_clean(self) -> None:
                super()._post_clean()
                if model_admin._locked(self.instance):
                    self.add_error(None, ValidationError(model_admin.locked_message))

        return NotIntoALockedRecord

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list:
        inlines = super().get_inline_instances(request, obj)
        if self._locked(obj):
            # Instances are made per request, so refusing on them touches no other page.
            for inline in inlines:
                inline.has_add_permission = _refuse
                inline.has_change_permission = _refuse
                inline.has_delete_permission = _refuse
                inline.max_num = 0
        return inlines

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        current = self.model._default_manager.filter(pk=obj.pk).first() if obj else None
        return self._locked(current) or super().revert_disabled(request, obj)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        # Restoring an old version rewrites the whole object, even where a locked one keeps a
        # field editable; the lock is judged on the object as it is now.
        if request.method == "POST" and self._locked(self.get_object(request, unquote(object_id))):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


admin.site.site_header = "Samverkan Stockholmsregionen"
admin.site.site_title = "SSR-portalen"
admin.site.has_permission = lambda request: (  # type: ignore[method-assign]
    request.user.is_active and (request.user.is_staff or is_secretariat(request.user))
)
