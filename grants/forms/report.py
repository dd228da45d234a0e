"""The laureate's report form: people trained by audience, courses and modules opened,
expenditure by budget category, milestones reached, narrative; and its supporting documents."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from applications.validators import validate_pdf
from grants.models import Report
from grants.selectors.reports import audiences, categories

DOCUMENT_MAX_PAGES = 200


class ReportForm(DsfrBaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    courses_opened = forms.IntegerField(label=_("Formations (parcours, diplômes) ouvertes"), min_value=0)
    modules_opened = forms.IntegerField(label=_("Modules ouverts"), min_value=0)
    milestones = forms.MultipleChoiceField(
        label=_("Jalons atteints"), required=False, widget=forms.CheckboxSelectMultiple
    )
    narrative = forms.CharField(
        label=_("Rapport d'activité"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Réalisations de la période, écarts au plan et mesures prises."),
    )

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        application = report.agreement.application
        self.fields["milestones"].choices = [(str(m.pk), m.title) for m in application.milestones.all()]
        for code, label in audiences():
            self.fields[f"people_{code}"] = forms.IntegerField(
                label=_("Personnes formées — %(audience)s") % {"audience": label}, min_value=0, initial=0
            )
        for code, label in categories():
            self.fields[f"expense_{code}"] = forms.DecimalField(
                label=_("Dépenses — %(category)s (€)") % {"category": label},
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=2,
                initial=Decimal("0"),
            )
        if not self.is_bound:
            self.initial.update(self.report_initial(report))

    @staticmethod
    def report_initial(report: Report) -> dict:
        initial = {
            "version": report.version,
            "courses_opened": report.courses_opened,
            "modules_opened": report.modules_opened,
            "narrative": report.narrative,
            "milestones": [str(m.pk) for m in report.milestones_reached.all()],
        }
        initial.update({f"people_{t.audience}": t.people_trained for t in report.training.all()})
        initial.update({f"expense_{e.category}": e.amount for e in report.expenses.all()})
        return initial

    def people_fields(self):
        return [self[f"people_{code}"] for code, _label in audiences()]

    def expense_fields(self):
        return [self[f"expense_{code}"] for code, _label in categories()]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "version": data["version"],
            "training": {code: data[f"people_{code}"] for code, _label in audiences()},
            "expenses": {code: data[f"expense_{code}"] for code, _label in categories()},
            "courses_opened": data["courses_opened"],
            "modules_opened": data["modules_opened"],
            "milestone_ids": [int(v) for v in data["milestones"]],
            "narrative": data["narrative"],
        }


class ReportDocumentForm(DsfrBaseForm):
    file = forms.FileField(label=_("Pièce justificative (PDF)"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.page_count = validate_pdf(uploaded, max_pages=DOCUMENT_MAX_PAGES)
        return uploaded
