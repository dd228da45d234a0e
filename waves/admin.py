from django.contrib import admin

from waves.models import Call, Wave


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("name_fr", "opens_at", "planned_end", "closes_at")


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ("name_fr", "mode", "opens_at", "closes_at", "budget_envelope")
    list_filter = ("mode",)
    filter_horizontal = ("actions",)
