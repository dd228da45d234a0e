"""Django admin of the core app: the login lockouts, read-only (docs/security.md, "Lockouts")."""

from django.contrib import admin

from .models import LoginLockout


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    list_display = ("email", "user", "ip_address", "first_refused_at", "last_refused_at", "refused_attempts")
    list_filter = ("first_refused_at",)
    search_fields = ("email", "ip_address")
    date_hierarchy = "first_refused_at"
    list_per_page = 50
    list_select_related = ("user",)
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
