"""Forms of the full dossier, one per section. Forms validate (file contents, amounts, rates);
`dossier_services` act."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from applications import validators
from applications.forms.letters import EuroField
from applications.models import (
    Application,
    BudgetLine,
    Milestone,
    TrainingTarget,
)
from applications.selectors.dossier import project_months, project_years
from applications.validators import validate_pdf, validate_spreadsheet
from cma_portal.form_fields import bounded_formset_kwargs

# A signed commitment letter is short; the limit only keeps whole dossiers out of this slot.
COMMITMENT_PAGE_LIMIT = 10
FURTHER_DOCUMENT_MAX_PAGES = 200
NEGATIVE = _("Un montant ne peut pas être négatif.")


def euros(value: Decimal) -> str:
    """1234567.5 → "1 234 567,50" (French grouping whatever the settings)."""
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True)


def percent(value: Decimal) -> str:
    """70.00 → "70", 71.5 → "71,50"."""
    if value == value.to_integral_value():
        return str(value.to_integral_value())
    return formats.number_format(value, 2, use_l10n=True)


class DsfrModelForm(DsfrBaseForm, forms.ModelForm):
    """A ModelForm rendered with the DSFR field templates."""


class VersionForm(DsfrBaseForm):
    """The application's version the page was displayed with (optimistic concurrency)."""

    version = forms.IntegerField(min_value=1, max_value=2_147_483_647, widget=forms.HiddenInput)


class PresentationForm(DsfrBaseForm):
    file = forms.FileField(label=_("Présentation du projet (PDF)"))

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_pages = application.wave.call.dossier_page_limit
        self.fields["file"].help_text = _("Un fichier PDF de %(pages)s pages au plus.") % {
            "pages": self.max_pages
        }
        self.page_count = None

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.page_count = validate_pdf(uploaded, max_pages=self.max_pages)
        return uploaded


class FinancialAnnexForm(DsfrBaseForm):
    file = forms.FileField(
        label=_("Annexe financière (tableur)"),
        help_text=_("Un classeur .xlsx, .xlsm ou .ods ; son contenu est vérifié, pas seulement son nom."),
    )

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_macros = application.wave.call.allow_macro_workbooks

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        validate_spreadsheet(uploaded, allow_macros=self.allow_macros)
        return uploaded


# Consortium ---------------------------------------------------------------------------------


class RowsFormSet(BaseModelFormSet):
    """A formset of rows; `kept_forms` are the rows that will be saved (neither blank extras
    nor marked for deletion)."""

    def kept_forms(self):
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            yield form


def rows_formset(model, form, formset, *, extra, max_forms):
    """A model formset of rows that refuses (and never builds) more than `max_forms` rows."""
    return modelformset_factory(
        model, form=form, formset=formset, extra=extra, can_delete=True, **bounded_formset_kwargs(max_forms)
    )


# Budget -------------------------------------------------------------------------------------


def _money_field(label, required=True):
    # The letter form's field: amounts typed the French way ("1 000 000,50") are accepted, as
    # the page itself displays them.
    return EuroField(label=label, required=required, error_messages={"min_value": NEGATIVE})


class BudgetLineForm(DsfrModelForm):
    year = forms.TypedChoiceField(label=_("Année du projet"), coerce=int)
    eligible_cost = _money_field(_("Coût éligible (€)"))
    aid_requested = _money_field(_("Aide demandée (€)"), required=False)
    co_financing = _money_field(_("Cofinancement (€)"), required=False)

    class Meta:
        model = BudgetLine
        fields = ["year", "category", "eligible_cost", "aid_requested", "co_financing", "co_financing_source"]

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        years = project_years(application)
        self.fields["year"].choices = [("", "---------")] + [(n, str(n)) for n in range(1, years + 1)]

    def clean_aid_requested(self):
        return self.cleaned_data.get("aid_requested") or Decimal("0")

    def clean_co_financing(self):
        return self.cleaned_data.get("co_financing") or Decimal("0")

    def clean(self):
        data = super().clean()
        eligible = data.get("eligible_cost")
        aid = data.get("aid_requested") or Decimal("0")
        co_financing = data.get("co_financing") or Decimal("0")
        if eligible is not None and aid + co_financing > eligible:
            raise ValidationError(
                _(
                    "L'aide demandée et le cofinancement (%(sum)s €) dépassent le coût éligible de "
                    "la ligne (%(eligible)s €)."
                )
                % {"sum": euros(aid + co_financing), "eligible": euros(eligible)}
            )
        if co_financing and not data.get("co_financing_source"):
            self.add_error("co_financing_source", _("Indiquez la source du cofinancement."))
        return data


class BaseDossierFormSet(RowsFormSet):
    """A formset of rows of one application; every form gets the application."""

    def __init__(self, *args, application: Application, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "application": self.application}


class BaseBudgetFormSet(BaseDossierFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        seen = set()
        eligible = aid = Decimal("0")
        for form in self.kept_forms():
            key = (form.cleaned_data.get("year"), form.cleaned_data.get("category"))
            if key in seen:
                form.add_error(
                    "category", _("Une seule ligne par année et par catégorie : regroupez les montants.")
                )
            seen.add(key)
            eligible += form.cleaned_data.get("eligible_cost") or Decimal("0")
            aid += form.cleaned_data.get("aid_requested") or Decimal("0")
        max_rate = self.application.wave.call.max_aid_rate
        if eligible and aid * 100 > eligible * max_rate:
            rate = (aid / eligible * 100).quantize(Decimal("0.01"))
            raise ValidationError(
                _(
                    "L'aide demandée (%(aid)s €) représente %(rate)s %% des coûts éligibles "
                    "(%(eligible)s €) : elle ne peut pas dépasser %(max)s %%."
                )
                % {
                    "aid": euros(aid),
                    "rate": formats.number_format(rate, 2, use_l10n=True),
                    "eligible": euros(eligible),
                    "max": percent(max_rate),
                }
            )


BudgetFormSet = rows_formset(BudgetLine, BudgetLineForm, BaseBudgetFormSet, extra=3, max_forms=40)


# Training targets and milestones ------------------------------------------------------------


class TrainingTargetForm(DsfrModelForm):
    year = forms.IntegerField(label=_("Année civile"), min_value=2000, max_value=2100)

    class Meta:
        model = TrainingTarget
        fields = ["audience", "year", "people_trained", "hours"]

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_year = (application.go_decided_at or timezone.now()).year
        self.last_year = self.first_year + project_years(application) + 1
        self.fields["year"].help_text = _("Entre %(first)s et %(last)s.") % {
            "first": self.first_year,
            "last": self.last_year,
        }

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not self.first_year <= year <= self.last_year:
            raise ValidationError(
                _("L'année doit être comprise entre %(first)s et %(last)s.")
                % {"first": self.first_year, "last": self.last_year}
            )
        return year


class BaseTrainingFormSet(BaseDossierFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        seen = set()
        for form in self.kept_forms():
            key = (form.cleaned_data.get("audience"), form.cleaned_data.get("year"))
            if key in seen:
                form.add_error("year", _("Ce public figure déjà pour cette année."))
            seen.add(key)


TrainingFormSet = rows_formset(TrainingTarget, TrainingTargetForm, BaseTrainingFormSet, extra=2, max_forms=40)


class MilestoneForm(DsfrModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_month", "deliverable"]
        widgets = {"deliverable": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.months = project_months(application)
        self.fields["due_month"].help_text = _("De 1 à %(months)s (durée du projet).") % {
            "months": self.months
        }

    def clean_due_month(self):
        month = self.cleaned_data["due_month"]
        if not 1 <= month <= self.months:
            raise ValidationError(
                _("Le mois doit être compris entre 1 et %(months)s, la durée du projet.")
                % {"months": self.months}
            )
        return month


MilestoneFormSet = rows_formset(Milestone, MilestoneForm, BaseDossierFormSet, extra=2, max_forms=40)


# Further documents --------------------------------------------------------------------------

ALLOWED_TYPES = {
    "pdf": validators.PDF_CONTENT_TYPE,
    "xlsx": validators.XLSX_CONTENT_TYPE,
    "xlsm": validators.XLSM_CONTENT_TYPE,
    "ods": validators.ODS_CONTENT_TYPE,
    "docx": validators.DOCX_CONTENT_TYPE,
    "odt": validators.ODT_CONTENT_TYPE,
    "png": validators.PNG_CONTENT_TYPE,
    "jpg": validators.JPEG_CONTENT_TYPE,
}
_KIND_BY_CONTENT_TYPE = {content_type: kind for kind, content_type in ALLOWED_TYPES.items()}


class FurtherDocumentForm(DsfrBaseForm):
    label = forms.CharField(label=_("Intitulé du document"), max_length=255)
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "PDF, classeur (.xlsx, .xlsm, .ods), texte (.docx, .odt) ou image (.png, .jpg) ; "
            "le type est vérifié d'après le contenu."
        ),
    )

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.page_count = None
        self.detected_type = None
        self.allow_macros = application.wave.call.allow_macro_workbooks

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        checked = validators.validate_upload(
            uploaded,
            accept=set(ALLOWED_TYPES.values()),
            max_pages=FURTHER_DOCUMENT_MAX_PAGES,
            allow_macros=self.allow_macros,
            type_message=_(
                "Ce type de fichier n'est pas accepté : déposez un PDF, un classeur (.xlsx, .xlsm, "
                ".ods), un texte (.docx, .odt) ou une image (.png, .jpg)."
            ),
        )
        self.page_count = checked.page_count
        self.detected_type = _KIND_BY_CONTENT_TYPE[checked.content_type]
        uploaded.seek(0)
        return uploaded
