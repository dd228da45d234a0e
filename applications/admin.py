"""Django admin for administrators. State is read-only here: it changes only through
`services.application_apply_transition`, which audits it."""

from django.contrib import admin

from applications.models import (
    Application,
    Collaborator,
    ConsortiumPartner,
    Document,
    Membership,
    Organisation,
    Submission,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "siret", "uai")
    list_filter = ("kind", "region")
    search_fields = ("name", "siret", "uai")
    inlines = [MembershipInline]


class CollaboratorInline(admin.TabularInline):
    model = Collaborator
    extra = 0
    fields = ("email", "user", "invited_at", "accepted_at")
    readonly_fields = ("invited_at", "accepted_at")
    raw_id_fields = ("user",)


class PartnerInline(admin.TabularInline):
    model = ConsortiumPartner
    extra = 0
    raw_id_fields = ("organisation",)


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ("kind", "original_name", "size", "page_count", "sha256", "is_current", "uploaded_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("reference", "acronym", "title", "state", "wave", "lead_organisation", "updated_at")
    list_filter = ("state", "wave")
    search_fields = ("reference", "acronym", "title", "lead_organisation__name")
    readonly_fields = ("state", "reference", "version", "letter_submitted_at", "dossier_submitted_at")
    raw_id_fields = ("owner", "lead_organisation")
    list_select_related = ("wave", "lead_organisation")
    inlines = [CollaboratorInline, PartnerInline, DocumentInline]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("application", "kind", "submitted_at", "pdf_status")
    list_filter = ("kind", "pdf_status")
    readonly_fields = [f.name for f in Submission._meta.fields] + ["documents"]
    list_select_related = ("application",)

    def has_add_permission(self, request):
        return False
