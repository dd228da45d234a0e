"""Django admin for the review app (administrators only; daily work happens in the portal's
pages, which go through the services)."""

from django.contrib import admin

from reviews.models import (
    Assignment,
    Consensus,
    Criterion,
    Decision,
    EvaluationSummary,
    Grid,
    Review,
    ReviewerProfile,
    Score,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("title", "action", "version", "is_current", "created_at")
    list_filter = ("is_current", "action")
    inlines = [CriterionInline]


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "updated_at")
    filter_horizontal = ("actions",)
    search_fields = ("user__email", "user__last_name")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("application", "reviewer", "state", "due_at", "automatic")
    list_filter = ("state", "automatic")
    search_fields = ("application__reference", "reviewer__email")
    raw_id_fields = ("application", "reviewer", "assigned_by")


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    raw_id_fields = ("criterion",)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("assignment", "state", "weighted_score", "submitted_at")
    list_filter = ("state",)
    raw_id_fields = ("assignment", "grid")
    inlines = [ScoreInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("application", "outcome", "aid_granted", "decided_at", "published_at")
    list_filter = ("outcome",)
    raw_id_fields = ("application", "decided_by")


@admin.register(Consensus)
class ConsensusAdmin(admin.ModelAdmin):
    """Read-only: the rapporteur writes, programme managers validate, in the portal's pages."""

    list_display = ("application", "assignment", "state", "weighted_score", "validated_at")
    list_filter = ("state",)
    search_fields = ("application__reference",)
    raw_id_fields = ("application", "assignment", "grid", "named_by", "validated_by")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvaluationSummary)
class EvaluationSummaryAdmin(admin.ModelAdmin):
    """Read-only: staff word the summary in the portal, the decision releases it."""

    list_display = ("application", "weighted_score", "released_at")
    search_fields = ("application__reference",)
    raw_id_fields = ("application", "consensus", "updated_by")

    def has_change_permission(self, request, obj=None):
        return False
