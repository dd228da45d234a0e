"""django-filter FilterSets of the applications app."""

import django_filters
from django.db.models import F, Q
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from dsfr.forms import DsfrBaseForm

from actions.models import Action
from applications.models import Application, Organisation
from applications.states import State
from waves.models import Wave


class FilterForm(DsfrBaseForm):
    """DSFR rendering for filter forms."""


def _descending(label) -> str:
    return gettext("%(label)s (décroissant)") % {"label": label}


_descending_label = lazy(_descending, str)


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ordering with empty values last (SQLite and PostgreSQL disagree otherwise) and the id as
    a tie-breaker, so that pages never repeat or skip a row."""

    def build_choices(self, fields, labels):
        """django-filter formats "%s (descending)" once, at import, in the default language: keep
        the descending labels lazy so that they follow the visitor's language."""
        choices = super().build_choices(fields, labels)
        return [
            (value, _descending_label(labels.get(value[1:], value[1:])) if value.startswith("-") else label)
            for value, label in choices
        ]

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = []
        for param in value:
            field = self.get_ordering_value(param)
            expression = F(field.lstrip("-"))
            ordering.append(
                expression.desc(nulls_last=True) if field.startswith("-") else expression.asc(nulls_last=True)
            )
        return qs.order_by(*ordering, "id")


class ScreeningFilter(django_filters.FilterSet):
    """The programme managers' list of letters (`/instruction/`)."""

    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="search",
        help_text=_("Titre, acronyme, référence ou établissement porteur"),
    )
    wave = django_filters.ModelChoiceFilter(
        label=_("Vague"), queryset=Wave.objects.select_related("call"), empty_label=_("Toutes")
    )
    action = django_filters.ModelChoiceFilter(
        label=_("Action"),
        field_name="actions",
        queryset=Action.objects.all(),
        distinct=True,
        empty_label=_("Toutes"),
    )
    state = django_filters.ChoiceFilter(label=_("État"), choices=State.choices, empty_label=_("Tous"))
    region = django_filters.ChoiceFilter(
        label=_("Région de l'établissement porteur"),
        field_name="lead_organisation__region",
        choices=Organisation.Region.choices,
        empty_label=_("Toutes"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Nature de l'établissement porteur"),
        field_name="lead_organisation__kind",
        choices=Organisation.Kind.choices,
        empty_label=_("Toutes"),
    )
    o = StableOrderingFilter(
        label=_("Trier par"),
        fields=(
            ("reference", "reference"),
            ("title", "title"),
            ("state", "state"),
            ("letter_submitted_at", "submitted"),
            ("dossier_deadline", "deadline"),
        ),
        field_labels={
            "reference": _("Référence"),
            "title": _("Titre"),
            "state": _("État"),
            "letter_submitted_at": _("Date de dépôt"),
            "dossier_deadline": _("Date limite du dossier"),
        },
    )

    class Meta:
        model = Application
        fields: list[str] = []
        form = FilterForm

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(acronym__icontains=value)
            | Q(reference__icontains=value)
            | Q(lead_organisation__name__icontains=value)
        )
