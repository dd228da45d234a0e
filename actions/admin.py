from django.contrib import admin

from actions.models import Action, ActionComponent


class ActionComponentInline(admin.TabularInline):
    model = ActionComponent
    extra = 0


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("number", "short_title_fr", "order", "is_active")
    list_editable = ("order", "is_active")
    inlines = [ActionComponentInline]
