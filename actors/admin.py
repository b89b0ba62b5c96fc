from django.contrib import admin
from django.db import models

from core.admin import SecretariatAdmin, SecretariatPermissions

from .models import (
    Actor,
    ActorFunction,
    Assignment,
    Function,
    IdentityProvider,
    IdentityProviderDomain,
    MunicipalCluster,
    Person,
    PopulationFigure,
    SignupRequest,
)


@admin.register(MunicipalCluster)
class MunicipalClusterAdmin(SecretariatAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class ActorFunctionInline(SecretariatPermissions, admin.TabularInline):
    model = ActorFunction
    extra = 0
    autocomplete_fields = ["function"]


@admin.register(Actor)
class ActorAdmin(SecretariatAdmin):
    list_display = ["name", "short_name", "kind", "municipality_code", "cluster", "membership_type"]
    list_filter = ["kind", "cluster", "membership_type"]
    search_fields = ["name", "short_name", "org_number", "municipality_code", "alert_email"]
    list_select_related = ["cluster"]
    autocomplete_fields = ["rescue_service"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [ActorFunctionInline]


@admin.register(Function)
class FunctionAdmin(SecretariatAdmin):
    list_display = ["name"]
    search_fields = ["name", "description"]


@admin.register(ActorFunction)
class ActorFunctionAdmin(SecretariatAdmin):
    list_display = ["function", "actor"]
    list_filter = ["function", "actor__kind"]
    search_fields = ["function__name", "actor__name"]
    list_select_related = ["function", "actor"]
    autocomplete_fields = ["actor", "function"]


@admin.register(Person)
class PersonAdmin(SecretariatAdmin):
    list_display = ["last_name", "first_name", "title", "actor", "email", "user"]
    list_filter = ["actor__kind"]
    search_fields = ["first_name", "last_name", "email", "title", "actor__name"]
    list_select_related = ["actor", "user"]
    autocomplete_fields = ["actor"]


@admin.register(Assignment)
class AssignmentAdmin(SecretariatAdmin):
    list_display = ["person", "actor_function", "role", "starts_on", "ends_on"]
    list_filter = ["role", "actor_function__function"]
    search_fields = ["person__first_name", "person__last_name", "actor_function__actor__name"]
    list_select_related = ["person", "actor_function__actor", "actor_function__function"]
    autocomplete_fields = ["person", "actor_function"]
    date_hierarchy = "starts_on"


@admin.register(PopulationFigure)
class PopulationFigureAdmin(SecretariatAdmin):
    list_display = ["actor", "reference_date", "inhabitants", "source", "kind"]
    list_filter = ["reference_date", "kind", "source"]
    search_fields = ["actor__name", "actor__municipality_code"]
    list_select_related = ["actor"]
    autocomplete_fields = ["actor"]


class IdentityProviderDomainInline(SecretariatPermissions, admin.TabularInline):
    model = IdentityProviderDomain
    extra = 0


@admin.register(IdentityProvider)
class IdentityProviderAdmin(SecretariatAdmin):
    """The secretariat's own page (actors:identity_provider_list) validates the domains and keeps
    the secret write-only; here the secret is not shown at all."""

    list_display = ["name", "actor", "issuer", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "actor__name", "issuer", "domains__domain"]
    list_select_related = ["actor"]
    autocomplete_fields = ["actor"]
    exclude = ["client_secret"]
    inlines = [IdentityProviderDomainInline]


@admin.register(SignupRequest)
class SignupRequestAdmin(SecretariatAdmin):
    """Read-only: requests are decided on the secretariat's page, which makes the login."""

    list_display = ["email", "actor", "status", "requested_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["email", "actor__name"]
    list_select_related = ["actor", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
