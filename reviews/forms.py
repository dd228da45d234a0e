"""Forms of the review app: they validate, services act."""

from datetime import datetime, time

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from actions.models import Action
from cma_portal.form_fields import bounded_formset_kwargs
from cma_portal.form_marks import mark_required_to_submit
from reviews.models import Decision, Review
from reviews.selectors import reviewers_queryset
from waves.models import Wave


def end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _future_day(day):
    if day is not None and day < timezone.localdate():
        raise forms.ValidationError(_("La date limite ne peut pas être dans le passé."))
    return day


class DeclarationForm(DsfrBaseForm):
    NO, YES = "no", "yes"
    conflict = forms.ChoiceField(
        label=_("Déclaration d'intérêts"),
        choices=[
            (
                NO,
                _(
                    "Je déclare n'avoir aucun lien d'intérêts avec le porteur ou les partenaires de ce projet."
                ),
            ),
            (YES, _("Je déclare un conflit d'intérêts avec ce projet.")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Nature du conflit d'intérêts"),
        help_text=_("Obligatoire si vous déclarez un conflit."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def clean(self):
        data = super().clean()
        if data.get("conflict") == self.YES and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Précisez la nature du conflit d'intérêts."))
        return data


class ReviewForm(DsfrBaseForm):
    """One score and one comment per criterion of the review's grid, then the overall opinion."""

    overall_opinion = forms.CharField(
        label=_("Avis global"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=10000
    )
    recommendation = forms.ChoiceField(
        label=_("Recommandation"),
        choices=[("", _("— choisir —")), *Review.Recommendation.choices],
        required=False,
    )

    def __init__(self, *args, review: Review, disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.criteria_fields = []
        fields = {}
        for score in review.scores.all():
            criterion = score.criterion
            score_name, comment_name = f"score_{criterion.pk}", f"comment_{criterion.pk}"
            fields[score_name] = forms.TypedChoiceField(
                label=_("%(label)s — note (0 à %(max)s, pondération %(weight)s)")
                % {
                    "label": criterion.display_label,
                    "max": criterion.scale_max,
                    "weight": number_format(criterion.weight.normalize()),
                },
                help_text=criterion.display_guidance,
                choices=[("", "—")] + [(str(v), str(v)) for v in range(criterion.scale_max + 1)],
                # Read by static/js/running-total.js for the total shown while scoring.
                widget=forms.Select(
                    attrs={
                        "data-weight": format(criterion.weight, "f"),
                        "data-scale-max": criterion.scale_max,
                    }
                ),
                coerce=int,
                empty_value=None,
                required=False,
                initial=score.value,
            )
            fields[comment_name] = forms.CharField(
                label=_("Commentaire sur « %(label)s »") % {"label": criterion.display_label},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=5000,
                initial=score.comment,
            )
            self.criteria_fields.append((criterion, score_name, comment_name))
        # Criteria first, then the overall opinion and the recommendation.
        fields["overall_opinion"] = self.fields.pop("overall_opinion")
        fields["recommendation"] = self.fields.pop("recommendation")
        self.fields = fields
        self.initial.setdefault("overall_opinion", review.overall_opinion)
        self.initial.setdefault("recommendation", review.recommendation)
        if disabled:
            for field in self.fields.values():
                field.disabled = True
        else:
            mark_required_to_submit(
                self,
                [score for _c, score, _m in self.criteria_fields] + ["overall_opinion", "recommendation"],
            )

    def check_complete(self) -> None:
        """Before a submission: one error on each criterion left without a score, and on the
        overall opinion and recommendation (what review_save would refuse, field by field)."""
        for criterion, score_name, _comment_name in self.criteria_fields:
            if self.cleaned_data.get(score_name) is None:
                self.add_error(
                    score_name,
                    _("Notez le critère « %(label)s » (0 à %(max)s) avant de transmettre.")
                    % {"label": criterion.display_label, "max": criterion.scale_max},
                )
        if not (self.cleaned_data.get("overall_opinion") or "").strip():
            self.add_error("overall_opinion", _("Rédigez l'avis global avant de transmettre."))
        if not self.cleaned_data.get("recommendation"):
            self.add_error("recommendation", _("Choisissez une recommandation avant de transmettre."))

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            criterion.pk: (self.cleaned_data.get(score_name), self.cleaned_data.get(comment_name, ""))
            for criterion, score_name, comment_name in self.criteria_fields
        }


class ManualAssignForm(DsfrBaseForm):
    reviewer = forms.ModelChoiceField(label=_("Évaluateur·rice"), queryset=None)
    due_on = forms.DateField(label=_("Date limite de l'évaluation"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers_queryset()

    def clean_due_on(self):
        return _future_day(self.cleaned_data.get("due_on"))


class AutoAssignForm(DsfrBaseForm):
    wave = forms.ModelChoiceField(label=_("Vague"), queryset=Wave.objects.all())
    action = forms.ModelChoiceField(
        label=_("Action"), queryset=Action.objects.all(), required=False, empty_label=_("Toutes les actions")
    )
    per_dossier = forms.IntegerField(
        label=_("Évaluateur·rices par dossier"), min_value=1, max_value=6, initial=2
    )
    due_on = forms.DateField(label=_("Date limite de l'évaluation"), widget=DateInput())

    def clean_due_on(self):
        return _future_day(self.cleaned_data.get("due_on"))


class DecisionForm(DsfrBaseForm):
    outcome = forms.ChoiceField(label=_("Décision"), choices=Decision.Outcome.choices)
    aid_granted = forms.DecimalField(
        label=_("Aide accordée (€)"),
        help_text=_("Pour un lauréat : au plus l'aide demandée."),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    rationale = forms.CharField(label=_("Motifs"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Decision.Outcome.SELECTED and not data.get("aid_granted"):
            self.add_error("aid_granted", _("Indiquez le montant de l'aide accordée à un lauréat."))
        return data


class BulkDecisionForm(DsfrBaseForm):
    outcome = forms.ChoiceField(
        label=_("Décision pour les dossiers cochés"),
        choices=[
            (Decision.Outcome.WAITLISTED, _("Liste complémentaire")),
            (Decision.Outcome.NOT_SELECTED, _("Non retenu")),
        ],
    )
    rationale = forms.CharField(label=_("Motifs"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class PublishForm(DsfrBaseForm):
    wave = forms.ModelChoiceField(label=_("Vague"), queryset=Wave.objects.all(), widget=forms.HiddenInput)


class GridForm(DsfrBaseForm):
    title = forms.CharField(label=_("Intitulé de la grille"), max_length=200)


class GridCreateForm(GridForm):
    action = forms.ModelChoiceField(
        label=_("Action"),
        queryset=Action.objects.all(),
        required=False,
        empty_label=_("Grille par défaut (toutes les actions)"),
    )


class CriterionForm(DsfrBaseForm):
    label = forms.CharField(label=_("Critère"), max_length=255)
    guidance = forms.CharField(
        label=_("Aide à la notation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    label_en = forms.CharField(label=_("Critère (anglais)"), max_length=255, required=False)
    guidance_en = forms.CharField(
        label=_("Aide à la notation (anglais)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    weight = forms.DecimalField(
        label=_("Pondération"), max_digits=5, decimal_places=2, min_value=0.01, initial=1
    )
    scale_max = forms.IntegerField(label=_("Note maximale (0 à …)"), min_value=1, max_value=100, initial=5)


CriterionFormSet = formset_factory(
    CriterionForm, extra=1, can_delete=True, min_num=1, validate_min=True, **bounded_formset_kwargs(30)
)
