"""Forms of the consensus and of the evaluation summary: they validate, services act."""

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from cma_portal.form_marks import mark_required_to_submit
from reviews.models import Consensus, EvaluationSummary


class RapporteurForm(DsfrBaseForm):
    """The rapporteur, among the dossier's reviewers who declared no conflict."""

    assignment = forms.TypedChoiceField(label=_("Rapporteur"), coerce=int, empty_value=None)

    def __init__(self, *args, assignments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assignments = {a.pk: a for a in assignments if a.state == "accepted"}
        self.fields["assignment"].choices = [("", _("— choisir —"))] + [
            (a.pk, str(a.reviewer)) for a in self.assignments.values()
        ]

    def clean_assignment(self):
        return self.assignments[self.cleaned_data["assignment"]]


class SendBackForm(DsfrBaseForm):
    note = forms.CharField(
        label=_("Ce que le rapporteur doit reprendre"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class VersionedForm(DsfrBaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)


class ConsensusForm(VersionedForm):
    """One score and one comment per criterion of the consensus's grid, then the overall opinion."""

    overall_opinion = forms.CharField(
        label=_("Avis global du consensus"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
    )

    def __init__(self, *args, consensus: Consensus, disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria_fields = []
        fields = {"version": self.fields.pop("version")}
        for score in consensus.scores.all():
            criterion = score.criterion
            score_name, comment_name = f"score_{criterion.pk}", f"comment_{criterion.pk}"
            fields[score_name] = forms.TypedChoiceField(
                label=_("%(label)s — note de consensus (0 à %(max)s, pondération %(weight)s)")
                % {
                    "label": criterion.display_label,
                    "max": criterion.scale_max,
                    "weight": number_format(criterion.weight.normalize()),
                },
                choices=[("", "—")] + [(str(v), str(v)) for v in range(criterion.scale_max + 1)],
                coerce=int,
                empty_value=None,
                required=False,
                initial=score.value,
            )
            fields[comment_name] = forms.CharField(
                label=_("Commentaire de consensus sur « %(label)s »") % {"label": criterion.display_label},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=5000,
                initial=score.comment,
            )
            self.criteria_fields.append((criterion, score_name, comment_name))
        fields["overall_opinion"] = self.fields.pop("overall_opinion")
        self.fields = fields
        self.initial.setdefault("overall_opinion", consensus.overall_opinion)
        self.initial.setdefault("version", consensus.version)
        if disabled:
            for field in self.fields.values():
                field.disabled = True
        else:
            names = [name for _c, score, comment in self.criteria_fields for name in (score, comment)]
            mark_required_to_submit(self, [*names, "overall_opinion"])

    def check_complete(self) -> None:
        """Before a submission: an error on each criterion without a score or a comment, and on
        the overall opinion (what the service would refuse, field by field)."""
        for criterion, score_name, comment_name in self.criteria_fields:
            if self.cleaned_data.get(score_name) is None:
                self.add_error(
                    score_name,
                    _("Notez le critère « %(label)s » (0 à %(max)s) avant de transmettre.")
                    % {"label": criterion.display_label, "max": criterion.scale_max},
                )
            if not (self.cleaned_data.get(comment_name) or "").strip():
                self.add_error(
                    comment_name,
                    _("Commentez le critère « %(label)s » avant de transmettre.")
                    % {"label": criterion.display_label},
                )
        if not (self.cleaned_data.get("overall_opinion") or "").strip():
            self.add_error("overall_opinion", _("Rédigez l'avis global avant de transmettre."))

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            criterion.pk: (self.cleaned_data.get(score_name), self.cleaned_data.get(comment_name, ""))
            for criterion, score_name, comment_name in self.criteria_fields
        }


class SummaryForm(VersionedForm):
    """The applicant-facing wording: one comment per criterion and the overall opinion."""

    overall_opinion = forms.CharField(
        label=_("Avis global transmis au porteur"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )

    def __init__(self, *args, summary: EvaluationSummary, disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = []
        fields = {"version": self.fields.pop("version")}
        for item in summary.items.all():
            name = f"comment_{item.criterion_id}"
            fields[name] = forms.CharField(
                label=_("« %(label)s » — note %(value)s / %(max)s : commentaire transmis au porteur")
                % {
                    "label": item.criterion.display_label,
                    "value": item.value,
                    "max": item.criterion.scale_max,
                },
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=5000,
                initial=item.comment,
            )
            self.items.append((item, name))
        fields["overall_opinion"] = self.fields.pop("overall_opinion")
        self.fields = fields
        self.initial.setdefault("overall_opinion", summary.overall_opinion)
        self.initial.setdefault("version", summary.version)
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    def comments(self) -> dict[int, str]:
        return {item.criterion_id: self.cleaned_data.get(name, "") for item, name in self.items}
