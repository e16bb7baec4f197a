from django.contrib import admin
from django.db import models

from lti.models import Deployment, GradeLink, LmsAccount, LmsContext, Registration, ToolKey

# URLs typed without a scheme are https (Django 6's default; silences its deprecation warning).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "issuer", "client_id", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["name", "issuer", "client_id"]
    inlines = [DeploymentInline]


@admin.register(LmsAccount)
class LmsAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "issuer", "sub", "created_at"]
    search_fields = ["user__username", "sub", "issuer"]
    raw_id_fields = ["user"]


@admin.register(LmsContext)
class LmsContextAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = [
        "title",
        "context_id",
        "course",
        "classroom",
        "registration",
        "roster_synced_at",
    ]
    raw_id_fields = ["classroom"]


@admin.register(GradeLink)
class GradeLinkAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["account", "lesson", "course", "last_sent_score", "last_sent_at", "last_error"]
    raw_id_fields = ["account", "lesson"]


@admin.register(ToolKey)
class ToolKeyAdmin(admin.ModelAdmin):
    """Keys are made by NetLearn; here they are only deactivated (after a rotation)."""

    list_display = ["kid", "active", "created_at"]
    fields = ["kid", "active", "public_jwk", "created_at"]
    readonly_fields = ["kid", "public_jwk", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
