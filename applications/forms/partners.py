"""The consortium section of the dossier: one form per partner, chosen among the editors' own
organisations or entered for this application."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications import validators
from applications.forms.dossier import COMMITMENT_PAGE_LIMIT, DsfrModelForm, RowsFormSet, rows_formset
from applications.models import (
    Application,
    ConsortiumPartner,
    Organisation,
)
from applications.validators import validate_pdf

# A signed commitment letter is short; the limit only keeps whole dossiers out of this slot.


class PartnerForm(DsfrModelForm):
    """One partner: chosen among the editors' own organisations, or entered for this
    application (name, SIRET, kind, region). Other applicants' organisations are never offered."""

    new_name = forms.CharField(
        label=_("Ou nouveau partenaire : nom"),
        max_length=255,
        required=False,
        help_text=_("Si le partenaire n'est pas dans la liste, saisissez-le ici."),
    )
    new_siret = forms.CharField(label=_("SIRET du nouveau partenaire"), max_length=20, required=False)
    new_kind = forms.ChoiceField(
        label=_("Nature du nouveau partenaire"),
        choices=[("", "---------"), *Organisation.Kind.choices],
        required=False,
    )
    new_region = forms.ChoiceField(
        label=_("Région du nouveau partenaire"),
        choices=[("", "---------"), *Organisation.Region.choices],
        required=False,
    )
    commitment = forms.FileField(
        label=_("Lettre d'engagement signée (PDF)"),
        required=False,
        help_text=_("Laissez vide pour conserver la lettre déjà déposée."),
    )

    class Meta:
        model = ConsortiumPartner
        fields = ["organisation", "role", "contribution"]
        widgets = {"contribution": forms.Textarea(attrs={"rows": 2})}

    field_order = ["organisation", "new_name", "new_siret", "new_kind", "new_region", "role", "contribution"]

    def __init__(self, *args, application: Application, organisation_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        # A static list shared by every form of the formset: rendering N forms costs no query.
        self.fields["organisation"].choices = organisation_choices
        self.fields["organisation"].required = False
        self.fields["organisation"].label = _("Partenaire parmi vos organisations")
        self.allowed_organisations = {int(pk) for pk, _label in organisation_choices if pk}
        self.page_count = None

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        if organisation and organisation.pk == self.application.lead_organisation_id:
            raise ValidationError(_("L'établissement porteur ne peut pas être aussi partenaire."))
        if organisation and organisation.pk not in self.allowed_organisations:
            raise ValidationError(_("Choisissez une organisation de la liste."))
        return organisation

    def clean_new_siret(self):
        siret = self.cleaned_data.get("new_siret", "").strip()
        return validators.validate_siret(siret) if siret else ""

    def clean(self):
        cleaned = super().clean()
        organisation, name = cleaned.get("organisation"), cleaned.get("new_name", "").strip()
        if organisation and name:
            self.add_error(
                "new_name",
                _("Choisissez une organisation de la liste ou saisissez-en une nouvelle, pas les deux."),
            )
        elif not organisation and not name and (self.has_changed() or self.instance.pk):
            if "organisation" not in self.errors:
                self.add_error(
                    "organisation", _("Choisissez une organisation ou saisissez un nouveau partenaire.")
                )
        elif name:
            for field in ("new_kind", "new_region"):
                if not cleaned.get(field):
                    self.add_error(field, _("Ce champ est obligatoire pour un nouveau partenaire."))
        return cleaned

    def new_organisation(self) -> dict | None:
        """The organisation to create for this partner, when one was typed in."""
        name = (self.cleaned_data or {}).get("new_name", "").strip()
        if not name:
            return None
        data = self.cleaned_data
        return {
            "name": name,
            "siret": data.get("new_siret", ""),
            "kind": data["new_kind"],
            "region": data["new_region"],
        }

    def clean_commitment(self):
        uploaded = self.cleaned_data.get("commitment")
        if uploaded:
            self.page_count = validate_pdf(uploaded, max_pages=COMMITMENT_PAGE_LIMIT)
        return uploaded


class BasePartnerFormSet(RowsFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.kept_forms():
            organisation = form.cleaned_data.get("organisation")
            if organisation is None:
                continue
            if organisation.pk in seen:
                form.add_error("organisation", _("Cette organisation figure déjà parmi les partenaires."))
            seen.add(organisation.pk)


def organisation_choices(application: Application) -> list[tuple]:
    """The editors' own organisations (owner and accepted co-editors are members) and the
    application's current partners; never another applicant's organisation."""
    editors = [
        application.owner_id,
        *application.collaborators.filter(accepted_at__isnull=False).values_list("user_id", flat=True),
    ]
    orgs = (
        Organisation.objects.filter(
            Q(memberships__user_id__in=editors) | Q(partnerships__application=application)
        )
        .exclude(pk=application.lead_organisation_id)
        .distinct()
        .order_by("name")
    )
    return [("", "---------")] + [
        (o.pk, f"{o.name} ({o.get_kind_display()})") for o in orgs.only("pk", "name", "kind")
    ]


PartnerFormSet = rows_formset(ConsortiumPartner, PartnerForm, BasePartnerFormSet, extra=1, max_forms=30)
