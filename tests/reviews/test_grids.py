"""Scoring grids: the seeded default grid, versions, and the administrators' pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from actions.models import Action
from reviews import selectors
from reviews.errors import ReviewError
from reviews.models import Grid, Review
from reviews.services.assignments import assignment_declare
from reviews.services.grids import grid_create, grid_update
from reviews.services.reviews import review_start
from tests.factories import (
    SubmittedDossierFactory,
    UserFactory,
    administrator,
    covering_reviewer,
    programme_manager,
)
from tests.reviews.helpers import assign, submitted_review

pytestmark = pytest.mark.django_db


def _criteria(n=2, scale=5):
    return [
        {"label": f"Critère {i}", "guidance": "", "weight": Decimal("1"), "scale_max": scale}
        for i in range(n)
    ]


def test_default_grid_is_seeded_with_seven_weighted_criteria():
    grid = Grid.objects.get(action=None, is_current=True)
    labels = [c.label for c in grid.criteria.all()]
    assert len(labels) == 7
    assert labels[0] == "Qualité et pertinence du projet de formation"
    assert "Qualité du budget" in labels and "Impact : nombre de personnes formées" in labels
    assert all(c.scale_max == 5 and c.weight > 0 for c in grid.criteria.all())


def test_every_action_has_a_seeded_grid_in_two_languages():
    """Issue 15: one grid per action, from its published priorities, English beside French."""
    for action in Action.objects.all():
        grid = Grid.objects.get(action=action, is_current=True)
        criteria = list(grid.criteria.all())
        assert len(criteria) >= 6 and all(c.label_en and c.guidance_en for c in criteria)
        assert "Qualité du budget" in [c.label for c in criteria]
    labels = [c.label for c in Grid.objects.get(action__number=3, is_current=True).criteria.all()]
    assert labels[0] == "Parcours à double culture informatique / santé (volet 3a)"


def test_seeding_the_action_grids_again_changes_nothing_and_keeps_edits():
    import importlib

    from django.apps import apps

    seed = importlib.import_module("reviews.migrations.0006_action_grids").seed_action_grids
    grid = Grid.objects.get(action__number=4, is_current=True)
    grid_update(grid=grid, title="Grille juristes révisée", criteria=_criteria(2), actor=None)
    before = list(Grid.objects.values_list("pk", "title", "version").order_by("pk"))
    criteria = Grid.objects.get(action__number=4, is_current=True).criteria.count()
    seed(apps, None)
    seed(apps, None)
    assert list(Grid.objects.values_list("pk", "title", "version").order_by("pk")) == before
    assert Grid.objects.get(action__number=4, is_current=True).criteria.count() == criteria == 2


def test_the_grid_of_the_lowest_numbered_action_scores_a_dossier_of_several_actions():
    dossier = SubmittedDossierFactory(actions=Action.objects.filter(number__in=[5, 2]))
    assert selectors.current_grid_for(dossier).action.number == 2
    Grid.objects.filter(action__number__in=[2, 5]).update(is_current=False)
    assert selectors.current_grid_for(dossier).action is None  # no grid left: the default one


def test_action_grid_takes_precedence_over_default():
    action3 = Action.objects.get(number=3)
    dossier = SubmittedDossierFactory()
    assert selectors.current_grid_for(dossier).action == action3
    grid = grid_create(action=action3, title="Grille action 3", criteria=_criteria(3, 20), actor=None)
    assert selectors.current_grid_for(dossier) == grid


def test_editing_grid_in_use_creates_new_version_and_keeps_reviews():
    # A dossier of an action without a grid of its own is scored with the default grid.
    Grid.objects.filter(action__number=3).update(is_current=False)
    dossier = SubmittedDossierFactory()
    review = submitted_review(assign(dossier, covering_reviewer()), 4)
    default = review.grid
    new = grid_update(grid=default, title="Grille par défaut révisée", criteria=_criteria(2), actor=None)
    assert new.pk != default.pk and new.version == default.version + 1 and new.is_current
    default.refresh_from_db()
    assert not default.is_current and default.criteria.count() == 7
    review.refresh_from_db()
    assert review.grid_id == default.pk and review.scores.count() == 7
    # A grid without reviews is edited in place.
    again = grid_update(grid=new, title="Encore", criteria=_criteria(3), actor=None)
    assert again.pk == new.pk and again.criteria.count() == 3
    # An archived version cannot be edited.
    with pytest.raises(ReviewError):
        grid_update(grid=default, title="x", criteria=_criteria(1), actor=None)


def test_review_started_keeps_its_grid_version():
    dossier = SubmittedDossierFactory()
    assignment = assign(dossier, covering_reviewer())
    assignment_declare(assignment=assignment, conflict=False, reason="", actor=assignment.reviewer)
    review = review_start(assignment=assignment)
    grid_update(grid=review.grid, title="v2", criteria=_criteria(1), actor=None)
    assert Review.objects.get(pk=review.pk).grid.version == 1


@pytest.mark.parametrize(
    "who,expected", [("anonymous", 302), ("applicant", 403), ("reviewer", 403), ("pm", 403), ("admin", 200)]
)
def test_grid_pages_by_role(client, who, expected):
    users = {
        "anonymous": None,
        "applicant": UserFactory(),
        "reviewer": covering_reviewer(),
        "pm": programme_manager(),
        "admin": administrator(),
    }
    if users[who]:
        client.force_login(users[who])
    grid = Grid.objects.get(action=None, is_current=True)
    for url in (reverse("grids:list"), reverse("grids:create"), reverse("grids:detail", args=[grid.pk])):
        assert client.get(url).status_code == expected, url


def _formset(rows, **extra):
    data = {"criteria-TOTAL_FORMS": str(len(rows)), "criteria-INITIAL_FORMS": "0", **extra}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"criteria-{i}-{key}"] = value
    return data


def test_admin_creates_and_edits_grid_through_pages(client):
    admin = administrator()
    client.force_login(admin)
    action = Action.objects.get(number=4)
    data = _formset(
        [{"label": "Qualité juridique", "guidance": "", "weight": "2", "scale_max": "20"}],
        title="Grille juristes",
        action=action.pk,
    )
    response = client.post(reverse("grids:create"), data)
    assert response.status_code == 302
    grid = Grid.objects.get(action=action, is_current=True)
    assert grid.criteria.get().scale_max == 20
    # Bad input: a clear French error, the typed title kept.
    bad = _formset([{"label": "", "guidance": "", "weight": "abc", "scale_max": "0"}], title="Titre conservé")
    response = client.post(reverse("grids:detail", args=[grid.pk]), bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Titre conservé" in html and "Ce champ est obligatoire" in html
    page = client.get(reverse("grids:list")).content.decode()
    assert "Grille juristes" in page and "Grille par défaut" in page


def test_the_english_of_a_criterion_is_edited_in_the_grid_page(client):
    client.force_login(administrator())
    grid = Grid.objects.get(action__number=1, is_current=True)
    page = client.get(reverse("grids:detail", args=[grid.pk])).content.decode()
    assert "Digital-health modules in the initial training of health professions" in page
    data = _formset(
        [
            {
                "label": "Référentiel de compétences",
                "label_en": "Competency framework",
                "guidance": "",
                "guidance_en": "Set by experts.",
                "weight": "1",
                "scale_max": "5",
            }
        ],
        title=grid.title,
    )
    assert client.post(reverse("grids:detail", args=[grid.pk]), data).status_code == 302
    criterion = Grid.objects.get(action__number=1, is_current=True).criteria.get()
    assert (criterion.label_en, criterion.guidance_en) == ("Competency framework", "Set by experts.")
