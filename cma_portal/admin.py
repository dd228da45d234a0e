"""Django admin of the core: the outbox backlog, for staff to watch (read-only but for the
"send again" action), and the login lockouts, read-only (docs/security.md, "Lockouts")."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cma_portal.models import LoginLockout, OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "template",
        "to",
        "language",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("state", "template")
    search_fields = ("to", "template")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboxEmail._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Renvoyer les courriels en échec à la prochaine reprise"))
    def send_again(self, request, queryset):
        count = queryset.filter(state=OutboxEmail.State.FAILED).update(
            state=OutboxEmail.State.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d courriel sera renvoyé dans la minute.",
                "%(count)d courriels seront renvoyés dans la minute.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


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
