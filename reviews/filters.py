"""django-filter filter set of the programme managers' dossier list (and its exports)."""

import django_filters
from django import forms
from django.conf import settings
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from actions.models import Action
from reviews.models import Assignment
from reviews.selectors import SELECTION_STATES, reviewers_queryset
from waves.models import Wave


class DossierFilterForm(DsfrBaseForm):
    pass


def _yes_no():
    return forms.Select(choices=[("", _("Tous")), ("true", _("Oui")), ("false", _("Non"))])


class DossierFilter(django_filters.FilterSet):
    wave = django_filters.ModelChoiceFilter(label=_("Vague"), queryset=Wave.objects.all())
    action = django_filters.ModelChoiceFilter(
        label=_("Action"), queryset=Action.objects.all(), field_name="actions", distinct=True
    )
    state = django_filters.ChoiceFilter(
        label=_("État"),
        choices=[(s.value, s.label) for s in SELECTION_STATES],
    )
    reviewer = django_filters.ModelChoiceFilter(
        label=_("Évaluateur·rice"), queryset=None, method="filter_reviewer"
    )
    score_min = django_filters.NumberFilter(
        label=_("Note moyenne minimale (/20)"), field_name="score_mean", lookup_expr="gte"
    )
    score_max = django_filters.NumberFilter(
        label=_("Note moyenne maximale (/20)"), field_name="score_mean", lookup_expr="lte"
    )
    disagreement = django_filters.BooleanFilter(
        label=_("Désaccord entre évaluateur·rices"), method="filter_disagreement", widget=_yes_no()
    )
    conflict = django_filters.BooleanFilter(
        label=_("Conflit d'intérêts déclaré ou détecté"), field_name="has_conflict", widget=_yes_no()
    )

    class Meta:
        form = DossierFilterForm
        fields: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["reviewer"].queryset = reviewers_queryset()

    def filter_reviewer(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=Assignment.objects.filter(reviewer=value)
            .exclude(state=Assignment.State.WITHDRAWN)
            .values("application_id")
        )

    def filter_disagreement(self, queryset, name, value):
        if value is None:
            return queryset
        spread = F("score_max") - F("score_min")
        threshold = settings.REVIEW_DISAGREEMENT_THRESHOLD
        flagged = queryset.alias(spread=spread).filter(spread__gt=threshold, reviews_submitted__gt=1)
        if value:
            return flagged
        return queryset.exclude(pk__in=flagged.values("pk"))
