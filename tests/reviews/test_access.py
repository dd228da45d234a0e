"""Who sees what: reviewers see only their non-conflicted assignments and other reviews only
after submitting theirs; applicants never see reviewers or raw reviews; staff pages by role."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import escape

from applications.models import Document, Membership
from reviews.errors import ReviewError
from reviews.models import Assignment
from reviews.services.assignments import assignment_declare
from reviews.services.decisions import decision_record
from reviews.services.reviews import review_save, review_start
from tests.factories import (
    ApplicationFactory,
    SubmittedDossierFactory,
    UserFactory,
    administrator,
    covering_reviewer,
    programme_manager,
)
from tests.reviews.helpers import assign, submitted_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    dossier = SubmittedDossierFactory()
    pm = programme_manager()
    mine, other = covering_reviewer(last_name="Mienne"), covering_reviewer(last_name="Autrui")
    a_mine, a_other = assign(dossier, mine, pm), assign(dossier, other, pm)
    return dossier, pm, mine, other, a_mine, a_other


def test_reviewer_cannot_open_unassigned_dossier(client, setup):
    dossier, pm, mine, other, a_mine, a_other = setup
    stranger = covering_reviewer()
    client.force_login(stranger)
    for name in ("evaluation:assignment", "evaluation:review"):
        assert client.get(reverse(name, args=[a_mine.pk])).status_code == 404
    assert client.post(reverse("evaluation:declare", args=[a_mine.pk]), {"conflict": "no"}).status_code == 404
    assert dossier.title not in client.get(reverse("evaluation:queue")).content.decode()


def test_reviewer_sees_only_title_lead_and_partners_before_declaring(client, setup):
    dossier, pm, mine, other, a_mine, a_other = setup
    client.force_login(mine)
    html = client.get(reverse("evaluation:assignment", args=[a_mine.pk])).content.decode()
    assert dossier.title in html and escape(dossier.lead_organisation.name) in html
    assert escape(dossier.summary) not in html
    assert client.get(reverse("evaluation:review", args=[a_mine.pk])).status_code == 403


def test_declaration_requires_reason_for_conflict_and_keeps_input(client, setup):
    dossier, pm, mine, other, a_mine, a_other = setup
    client.force_login(mine)
    response = client.post(reverse("evaluation:declare", args=[a_mine.pk]), {"conflict": "yes", "reason": ""})
    assert response.status_code == 400
    assert "Précisez la nature du conflit" in response.content.decode()
    a_mine.refresh_from_db()
    assert a_mine.state == Assignment.State.PENDING


def test_conflicted_reviewer_cannot_open_dossier_files_or_reviews(client, setup, settings):
    dossier, pm, mine, other, a_mine, a_other = setup
    doc = Document(
        application=dossier,
        kind=Document.Kind.PRESENTATION,
        original_name="projet.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
    )
    doc.file.save("x", ContentFile(b"%PDF-1.4\n"), save=False)
    doc.save()
    client.force_login(mine)
    client.post(reverse("evaluation:declare", args=[a_mine.pk]), {"conflict": "no"})
    assert client.get(reverse("evaluation:document", args=[a_mine.pk, doc.pk])).status_code == 200
    # Membership acquired after the declaration: automatic conflict from now on.
    Membership.objects.create(user=mine, organisation=dossier.lead_organisation)
    for url in (
        reverse("evaluation:assignment", args=[a_mine.pk]),
        reverse("evaluation:review", args=[a_mine.pk]),
        reverse("evaluation:document", args=[a_mine.pk, doc.pk]),
    ):
        assert client.get(url).status_code == 403
    # A declared conflict closes everything too.
    client.force_login(other)
    client.post(reverse("evaluation:declare", args=[a_other.pk]), {"conflict": "yes", "reason": "Co-auteur."})
    assert client.get(reverse("evaluation:document", args=[a_other.pk, doc.pk])).status_code == 403
    assert client.get(reverse("evaluation:assignment", args=[a_other.pk])).status_code == 403


def test_member_declaring_no_conflict_is_conflicted_automatically(setup):
    dossier, pm, mine, other, a_mine, a_other = setup
    Membership.objects.create(user=mine, organisation=dossier.lead_organisation)
    result = assignment_declare(assignment=a_mine, conflict=False, reason="", actor=mine)
    assert result.state == Assignment.State.CONFLICTED and result.conflict_automatic


def test_reviewer_sees_other_reviews_only_after_submitting(client, setup):
    dossier, pm, mine, other, a_mine, a_other = setup
    submitted_review(a_other, 2)
    assignment_declare(assignment=a_mine, conflict=False, reason="", actor=mine)
    client.force_login(mine)
    html = client.get(reverse("evaluation:review", args=[a_mine.pk])).content.decode()
    assert "Autres évaluations" not in html and "Commentaire 2" not in html
    submitted_review_after = review_start(assignment=Assignment.objects.get(pk=a_mine.pk))
    review_save(
        review=submitted_review_after,
        scores={s.criterion_id: (5, "") for s in submitted_review_after.scores.all()},
        overall_opinion="Très bon.",
        recommendation="fund",
        actor=mine,
        submit=True,
    )
    html = client.get(reverse("evaluation:review", args=[a_mine.pk])).content.decode()
    assert "Autres évaluations" in html and "Commentaire 2" in html
    assert "Autrui" not in html  # other reviewers stay anonymous to each other


def test_submitted_review_is_read_only(client, setup):
    dossier, pm, mine, other, a_mine, a_other = setup
    review = submitted_review(a_mine, 3)
    client.force_login(mine)
    response = client.post(
        reverse("evaluation:review", args=[a_mine.pk]), {"overall_opinion": "changé", "save": "1"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.overall_opinion == "Avis détaillé de l'expert."
    with pytest.raises(ReviewError):
        review_save(review=review, scores={}, overall_opinion="x", recommendation="fund", actor=mine)


def test_submit_with_missing_score_keeps_input(client, setup):
    dossier, pm, mine, other, a_mine, a_other = setup
    assignment_declare(assignment=a_mine, conflict=False, reason="", actor=mine)
    client.force_login(mine)
    form = client.get(reverse("evaluation:review", args=[a_mine.pk])).context["form"]
    first = form.criteria_fields[0]
    data = {
        first[1]: "3",
        first[2]: "Mon commentaire précieux",
        "overall_opinion": "Avis",
        "recommendation": "fund",
        "submit": "1",
    }
    response = client.post(reverse("evaluation:review", args=[a_mine.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mon commentaire précieux" in html
    # One error per criterion left without a score, on its own field (issue 13).
    form = response.context["form"]
    for criterion, score_name, _comment in form.criteria_fields[1:]:
        assert form.errors[score_name] == [
            f"Notez le critère « {criterion.label} » (0 à {criterion.scale_max}) avant de transmettre."
        ]
        assert f'id="id_{score_name}-desc-error"' in html
    assert first[1] not in form.errors
    assert html.count('aria-invalid="true"') == len(form.criteria_fields) - 1
    assert "data-error-summary" in html and f'href="#id_{form.criteria_fields[1][1]}"' in html
    # Out-of-range score: a clear error, not a 500.
    data[first[1]] = "9"
    response = client.post(reverse("evaluation:review", args=[a_mine.pk]), data)
    assert response.status_code == 400


def test_applicant_never_sees_reviewers_or_reviews(client, setup):
    dossier, pm, mine, other, a_mine, a_other = setup
    submitted_review(a_mine, 4)
    client.force_login(dossier.owner)
    for url in (
        reverse("evaluation:queue"),
        reverse("evaluation:assignment", args=[a_mine.pk]),
        reverse("evaluation:review", args=[a_mine.pk]),
        reverse("selection:dossiers"),
        reverse("selection:dossier", args=[dossier.pk]),
        reverse("selection:ranking"),
        reverse("selection:export", args=["reviews", "csv"]),
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert b"Mienne" not in response.content
    decision_record(application=dossier, outcome="not_selected", rationale="Motifs du comité.", actor=pm)
    response = client.get(reverse("laureates:letter", args=[dossier.decision.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "who,expected",
    [("anonymous", 302), ("applicant", 403), ("reviewer", 403), ("pm", 200), ("admin", 200)],
)
def test_selection_pages_by_role(client, setup, who, expected):
    dossier = setup[0]
    users = {
        "anonymous": None,
        "applicant": ApplicationFactory().owner,
        "reviewer": covering_reviewer(),
        "pm": programme_manager(),
        "admin": administrator(),
    }
    if users[who]:
        client.force_login(users[who])
    for url in (
        reverse("selection:dossiers"),
        reverse("selection:dossier", args=[dossier.pk]),
        reverse("selection:ranking"),
    ):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize(
    "who,expected", [("anonymous", 302), ("applicant", 403), ("pm", 403), ("reviewer", 200), ("admin", 403)]
)
def test_queue_by_role(client, who, expected):
    users = {
        "anonymous": None,
        "applicant": UserFactory(),
        "reviewer": covering_reviewer(),
        "pm": programme_manager(),
        "admin": administrator(),
    }
    if users[who]:
        client.force_login(users[who])
    assert client.get(reverse("evaluation:queue")).status_code == expected


def test_laureates_page_is_public(client):
    response = client.get(reverse("laureates:list"))
    assert response.status_code == 200
    assert "Aucun lauréat" in response.content.decode()


def test_dossier_list_filters_conflicts_and_flags_reassignment(client, setup):
    dossier, pm, mine, other, a_mine, a_other = setup
    assignment_declare(assignment=a_other, conflict=True, reason="Lien familial.", actor=other)
    client.force_login(pm)
    response = client.get(reverse("selection:dossiers"), {"conflict": "true"})
    assert [r.pk for r in response.context["rows"]] == [dossier.pk]
    assert "conflit : à réaffecter" in response.content.decode()
    response = client.get(reverse("selection:dossiers"), {"conflict": "false"})
    assert response.context["rows"] == []
    # Once another reviewer is assigned the dossier is no longer waiting for the manager.
    from tests.reviews.helpers import assign

    assign(dossier, covering_reviewer(), pm)
    html = client.get(reverse("selection:dossiers")).content.decode()
    assert "conflit : à réaffecter" not in html and "conflit (réaffecté)" in html
    # Bad filter input: a clear error, no 500.
    response = client.get(reverse("selection:dossiers"), {"score_min": "beaucoup"})
    assert response.status_code == 200
