"""What the programme managers' lists show beside the selectors' rows, computed for the rows of
one page: alerts of the selection list, status of the ranking, labels translated once per
request (not once per row), and the waves and actions read once for every form of a page."""

from dataclasses import dataclass

from django.conf import settings

from actions.models import Action
from applications.states import State
from cma_portal.choices import preload_choices
from cma_portal.pagination import paginate
from reviews.models import Decision
from waves.models import Wave


def decorate_selection_rows(rows) -> None:
    """Spread, disagreement, reassignment alert and state label of each dossier row."""
    threshold = settings.REVIEW_DISAGREEMENT_THRESHOLD
    states = {value: str(label) for value, label in State.choices}
    for row in rows:
        spread = (row.score_max - row.score_min) if row.score_max is not None else None
        row.spread = spread
        row.disagreement = bool(spread is not None and row.reviews_submitted > 1 and spread > threshold)
        # A conflict sends the dossier back to the programme manager until it has its reviewers.
        row.needs_reassignment = row.has_conflict and row.reviewers_active < settings.REVIEWS_PER_DOSSIER
        row.state_label = states.get(row.state, row.state)


def decorate_ranking_rows(rows) -> None:
    """The decision of each ranked dossier, or its state before any decision."""
    states = {value: str(label) for value, label in State.choices}
    outcomes = {value: str(label) for value, label in Decision.Outcome.choices}
    for row in rows:
        application = row.application
        decision = getattr(application, "decision", None)
        row.status_label = (
            outcomes.get(decision.outcome, decision.outcome)
            if decision
            else states.get(application.state, application.state)
        )


def filter_html(filterset, waves, actions) -> str:
    """The selection list's filter form, its options read once (reviewers too) and its HTML
    reused while they and the chosen values stay the same."""
    from cma_portal.form_cache import cached_form_html
    from reviews.selectors import reviewers_queryset

    reviewers = list(reviewers_queryset())
    preload_choices(filterset.form.fields["reviewer"], reviewers)
    share_choices((filterset.form,), waves, actions)
    options = [[(o.pk, str(o)) for o in objects] for objects in (waves, actions, reviewers)]
    return cached_form_html(filterset.form, "reviews/_filter_form.html", options=options)


def waves_and_actions() -> tuple[list[Wave], list[Action]]:
    return list(Wave.objects.order_by("-opens_at")), list(Action.objects.all())


def share_choices(forms, waves, actions) -> None:
    """Fill the wave and action fields of `forms` from the lists already read."""
    for form in forms:
        if "wave" in form.fields:
            preload_choices(form.fields["wave"], waves)
        if "action" in form.fields:
            preload_choices(form.fields["action"], actions)


@dataclass
class RankedRef:
    """What ranking needs of an application; the page's rows get the full object."""

    pk: int
    reference: str | None


def ranking_page(request, wave, action=None):
    """The wave's ranking (every dossier ranked, by its validated consensus's score where there is
    one, else its corrected mean; severity correction over the whole wave; from
    the standing shared through the cache: `reviews/standing.py`) on light rows, and the
    requested page of it with its applications loaded: the page reads 25 applications, not the
    wave's thousands."""
    from applications.models import Application
    from reviews import selectors
    from reviews.scoring import DossierAggregate
    from reviews.standing import wave_standing

    threshold = settings.REVIEW_DISAGREEMENT_THRESHOLD
    standing = wave_standing(wave.pk)
    ranked = standing.ranked
    if action is not None:
        chosen = set(
            Application.objects.filter(
                wave=wave, state__in=selectors.SELECTION_STATES, actions=action
            ).values_list("pk", flat=True)
        )
        ranked = [entry for entry in ranked if entry[0] in chosen]
    rows = []
    rank = 0
    for pk, reference in ranked:
        aggregate = standing.aggregates.get(pk)
        if aggregate is None:  # not reviewed yet: listed after the ranked dossiers, no rank
            aggregate = DossierAggregate(pk, 0, None, None, None, None, False)
            rows.append(selectors.RankingRow(RankedRef(pk, reference), aggregate))
            continue
        rank += 1
        rows.append(
            selectors.RankingRow(RankedRef(pk, reference), aggregate, rank, standing.consensus.get(pk))
        )
    page = paginate(request, rows)
    page_rows = list(page.object_list)
    loaded = Application.objects.filter(pk__in=[r.application.pk for r in page_rows]).select_related(
        "lead_organisation", "decision", "wave"
    )
    by_pk = {a.pk: a for a in loaded}
    page.object_list = [
        selectors.RankingRow(by_pk[r.application.pk], r.aggregate, r.rank, r.consensus)
        for r in page_rows
        if r.application.pk in by_pk
    ]
    decorate_ranking_rows(page.object_list)
    return selectors.Ranking(rows=rows, stats=standing.stats, threshold=threshold), page
