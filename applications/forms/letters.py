"""Applicant forms: organisations, letters of intent, partners, co-editors.

Forms check formats and the rules that need no database state; `services.letter_problems`
checks completeness and the call's rules before a submission.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from actions.models import Action, ActionComponent
from applications.forms.questions import add_question_fields
from applications.models import ConsortiumPartner, Organisation, Question
from applications.selectors.questions import questions_and_answers
from applications.services.letters import LETTER_FIELDS
from applications.validators import validate_pdf, validate_siret, validate_uai
from cma_portal.form_fields import BoundedModelMultipleChoiceField, bounded_formset_kwargs
from cma_portal.form_marks import mark_required_to_submit
from cma_portal.formats import number as plain_grouped


class EuroField(forms.DecimalField):
    """Amounts typed the French way: "1 250 000,50" as well as "1250000.50"."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs

    def prepare_value(self, value):
        # A stored amount is shown as the reader writes it ("300 000", "1 250 000,50"), so that
        # a reload or a refused form shows what the page shows elsewhere.
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return plain_grouped(value)
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
            if "," in value and "." in value:
                # "1,250,000.50" (English) or "1.250.000,50": the last separator is the decimal one.
                grouping = "," if value.rfind(".") > value.rfind(",") else "."
                value = value.replace(grouping, "")
            elif re.fullmatch(r"\d{1,3}(,\d{3})+", value) and get_language() == "en":
                value = value.replace(",", "")
            value = value.replace(",", ".")
        try:
            return super().to_python(value)
        except ValidationError:
            raise
        except InvalidOperation:
            raise ValidationError(
                _("Saisissez un montant en euros, par exemple 1 250 000,50."), code="invalid"
            ) from None


class OrganisationForm(DsfrBaseForm):
    name = forms.CharField(label=_("Nom"), max_length=255)
    kind = forms.ChoiceField(label=_("Nature"), choices=Organisation.Kind.choices)
    siret = forms.CharField(
        label=_("SIRET"),
        required=False,
        max_length=20,
        help_text=_("14 chiffres. Le SIRET ou l'UAI est requis."),
    )
    uai = forms.CharField(
        label=_("UAI"),
        required=False,
        max_length=10,
        help_text=_("Immatriculation des établissements d'enseignement : 7 chiffres et une lettre."),
    )
    region = forms.ChoiceField(label=_("Région"), choices=Organisation.Region.choices)
    address = forms.CharField(label=_("Adresse"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_siret(self):
        value = self.cleaned_data["siret"].strip()
        return validate_siret(value) if value else ""

    def clean_uai(self):
        value = self.cleaned_data["uai"].strip()
        return validate_uai(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("siret") and not cleaned.get("uai"):
            raise ValidationError(_("Indiquez le SIRET ou l'UAI de l'organisation (au moins l'un des deux)."))
        return cleaned


class NewLetterForm(DsfrBaseForm):
    wave = forms.ModelChoiceField(
        label=_("Vague"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("Seules les vagues qui acceptent des lettres d'intention aujourd'hui sont proposées."),
    )

    def __init__(self, *args, waves, **kwargs):
        super().__init__(*args, **kwargs)
        from waves.models import Wave

        self.fields["wave"].queryset = Wave.objects.filter(pk__in=[w.pk for w in waves]).select_related(
            "call"
        )
        self.fields["wave"].label_from_instance = lambda wave: str(wave.name)


class LetterForm(DsfrBaseForm):
    """Every field of the letter. Only formats block a draft; `services.letter_problems` decides
    whether it may be submitted."""

    version = forms.IntegerField(min_value=1, max_value=2_147_483_647, widget=forms.HiddenInput)
    actions = BoundedModelMultipleChoiceField(
        label=_("Actions auxquelles le projet répond"),
        queryset=Action.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    components = BoundedModelMultipleChoiceField(
        label=_("Volets (actions 3 et 5)"),
        queryset=ActionComponent.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Chaque volet choisi doit appartenir à une action cochée."),
    )
    lead_organisation = forms.ModelChoiceField(
        label=_("Établissement porteur"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— Choisir parmi vos organisations —"),
        help_text=_("Un établissement d'enseignement supérieur dont vous êtes membre."),
    )
    title = forms.CharField(label=_("Titre du projet"), max_length=255, required=False)
    acronym = forms.CharField(label=_("Acronyme"), max_length=32, required=False)
    summary = forms.CharField(label=_("Résumé"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    estimated_total_cost = EuroField(label=_("Coût total estimé (€)"), required=False)
    estimated_aid_requested = EuroField(
        label=_("Aide demandée (€)"),
        required=False,
    )
    planned_duration_months = forms.IntegerField(
        label=_("Durée prévue (mois)"), required=False, min_value=1, max_value=32767
    )
    people_trained_per_year = forms.IntegerField(
        label=_("Personnes formées par an (estimation)"), required=False, min_value=0, max_value=10_000_000
    )
    audience = forms.CharField(
        label=_("Publics visés"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    letter = forms.FileField(
        label=_("Lettre d'intention (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, application, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        call = application.wave.call
        self.page_limit = call.letter_page_limit
        self.letter_page_count: int | None = None
        actions = application.wave.actions.order_by("order", "number")
        self.fields["actions"].queryset = actions
        self.fields["actions"].label_from_instance = lambda a: f"{a.number}. {a.short_title}"
        self.fields["components"].queryset = ActionComponent.objects.filter(
            action__in=actions
        ).select_related("action")
        self.fields["components"].label_from_instance = lambda c: f"{c.code} — {c.title}"
        self.fields["lead_organisation"].queryset = Organisation.objects.filter(
            Q(memberships__user=user) | Q(pk=application.lead_organisation_id)
        ).distinct()
        self.fields["estimated_aid_requested"].help_text = _(
            "Au plus %(rate)s %% du coût total (taux maximum de l'appel)."
        ) % {"rate": f"{call.max_aid_rate.normalize():f}".replace(".", ",")}
        self.fields["planned_duration_months"].help_text = _("Au plus %(max)s mois.") % {
            "max": call.max_duration_months
        }
        self.fields["letter"].help_text = _(
            "PDF non protégé, %(max)s pages au maximum. Laissez vide pour garder la lettre déjà déposée."
        ) % {"max": self.page_limit}
        # What letter_problems asks for before submission, marked before the first attempt.
        mark_required_to_submit(
            self,
            ["actions", "components", "lead_organisation", *LETTER_FIELDS, "letter"],
        )
        # The questions of the actions saved on the letter (checking a new action and saving
        # shows its questions).
        add_question_fields(
            self,
            *questions_and_answers(application, [Question.Stage.LETTER]),
            allow_macros=call.allow_macro_workbooks,
        )

    def clean_letter(self):
        uploaded = self.cleaned_data.get("letter")
        if uploaded:
            self.letter_page_count = validate_pdf(uploaded, max_pages=self.page_limit)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        actions = cleaned.get("actions")
        components = cleaned.get("components")
        if actions is not None and components:
            chosen = {a.pk for a in actions}
            stray = [c.code for c in components if c.action_id not in chosen]
            if stray:
                self.add_error(
                    "components",
                    _("Les volets %(codes)s n'appartiennent à aucune des actions cochées.")
                    % {"codes": ", ".join(stray)},
                )
        return cleaned

    def letter_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in LETTER_FIELDS}


class PartnerForm(DsfrBaseForm):
    name = forms.CharField(label=_("Organisation partenaire"), max_length=255, required=False)
    kind = forms.ChoiceField(label=_("Nature"), choices=Organisation.Kind.choices, required=False)
    region = forms.ChoiceField(label=_("Région"), choices=Organisation.Region.choices, required=False)
    role = forms.ChoiceField(
        label=_("Rôle dans le consortium"), choices=ConsortiumPartner.Role.choices, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name", "").strip():
            for field in ("kind", "region", "role"):
                if not cleaned.get(field):
                    self.add_error(field, _("Ce champ est obligatoire pour un partenaire."))
        return cleaned

    def partner(self) -> dict | None:
        if not self.cleaned_data.get("name", "").strip() or self.cleaned_data.get("DELETE"):
            return None
        return {k: self.cleaned_data[k] for k in ("name", "kind", "region", "role")}


PartnerFormSet = forms.formset_factory(PartnerForm, extra=2, can_delete=True, **bounded_formset_kwargs(30))


def partner_initial(application) -> list[dict]:
    return [
        {
            "name": p.organisation.name,
            "kind": p.organisation.kind,
            "region": p.organisation.region,
            "role": p.role,
        }
        for p in application.partners.select_related("organisation")
    ]


class InvitationForm(DsfrBaseForm):
    email = forms.EmailField(
        label=_("Adresse électronique de la personne à inviter"),
        help_text=_("Elle pourra consulter et modifier la candidature, mais pas la retirer."),
    )


class WithdrawForm(DsfrBaseForm):
    note = forms.CharField(
        label=_("Motif (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
