"""The consensus's rules, at the service level: who may be rapporteur, who may write, validate
and send back, optimistic concurrency, and a decision without consensus (no summary)."""

from decimal import Decimal

import pytest
from django.core import mail

from reviews.errors import ReviewError
from reviews.models import Consensus, EvaluationSummary
from reviews.services.assignments import assignment_declare
from reviews.services.consensus import (
    consensus_name_rapporteur,
    consensus_save,
    consensus_send_back,
    consensus_validate,
)
from reviews.services.decisions import decision_record
from tests.factories import SubmittedDossierFactory, covering_reviewer, programme_manager
from tests.reviews.helpers import assign, reviewed_dossier, submitted_review

pytestmark = pytest.mark.django_db


def _scores(consensus, value=3, comment="Commentaire."):
    return {s.criterion_id: (value, comment) for s in consensus.scores.all()}


def test_the_rapporteur_is_a_reviewer_without_conflict():
    pm = programme_manager()
    dossier = SubmittedDossierFactory()
    undeclared = assign(dossier, covering_reviewer(), pm)
    conflicted = assign(dossier, covering_reviewer(), pm)
    assignment_declare(assignment=conflicted, conflict=True, reason="Collègue.", actor=conflicted.reviewer)
    for assignment in (undeclared, conflicted):
        with pytest.raises(ReviewError, match="sans conflit"):
            consensus_name_rapporteur(application=dossier, assignment=assignment, actor=pm)
    other = reviewed_dossier()
    foreign = other.review_assignments.first()
    with pytest.raises(ReviewError, match="sans conflit"):
        consensus_name_rapporteur(application=dossier, assignment=foreign, actor=pm)
    with pytest.raises(ReviewError):
        consensus_name_rapporteur(application=other, assignment=foreign, actor=foreign.reviewer)
    assert not Consensus.objects.exists()


def test_only_the_rapporteur_writes_and_only_staff_validate(commit):
    pm = programme_manager()
    dossier = reviewed_dossier()
    first, second = dossier.review_assignments.order_by("pk")
    consensus = consensus_name_rapporteur(application=dossier, assignment=first, actor=pm)
    # Changing the rapporteur while the consensus is a draft keeps one consensus.
    consensus = consensus_name_rapporteur(application=dossier, assignment=second, actor=pm)
    assert Consensus.objects.get().assignment == second
    with pytest.raises(ReviewError, match="rapporteur"):
        consensus_save(
            consensus=consensus, scores=_scores(consensus), overall_opinion="x", actor=first.reviewer
        )
    with pytest.raises(ReviewError, match="modifié entre-temps"):
        consensus_save(
            consensus=consensus,
            scores=_scores(consensus),
            overall_opinion="x",
            actor=second.reviewer,
            version=1,
        )
    with pytest.raises(ReviewError, match="Notez et commentez"):
        consensus_save(
            consensus=consensus,
            scores=_scores(consensus, comment=""),
            overall_opinion="Avis.",
            actor=second.reviewer,
            submit=True,
        )
    consensus = consensus_save(
        consensus=consensus,
        scores=_scores(consensus),
        overall_opinion="Avis.",
        actor=second.reviewer,
        submit=True,
    )
    assert consensus.state == Consensus.State.SUBMITTED and consensus.weighted_score == Decimal("12.00")
    with pytest.raises(ReviewError, match="ne peut plus changer"):
        consensus_name_rapporteur(application=dossier, assignment=first, actor=pm)
    with pytest.raises(ReviewError):
        consensus_validate(consensus=consensus, actor=second.reviewer)
    with pytest.raises(ReviewError, match="repris"):
        consensus_send_back(consensus=consensus, actor=pm, note="  ")
    consensus = consensus_validate(consensus=consensus, actor=pm)
    assert consensus.state == Consensus.State.VALIDATED
    with pytest.raises(ReviewError):
        consensus_send_back(consensus=consensus, actor=pm, note="Trop tard.")
    summary = EvaluationSummary.objects.get(application=dossier)
    assert [i.value for i in summary.items.all()] == [3] * summary.items.count()


def test_the_consensus_waits_for_every_review_without_conflict():
    pm = programme_manager()
    dossier = SubmittedDossierFactory()
    done = assign(dossier, covering_reviewer(), pm)
    submitted_review(done, 4)
    late = assign(dossier, covering_reviewer(), pm)
    consensus = consensus_name_rapporteur(application=dossier, assignment=done, actor=pm)
    with pytest.raises(ReviewError, match="toutes les évaluations"):
        consensus_save(
            consensus=consensus, scores=_scores(consensus), overall_opinion="x", actor=done.reviewer
        )
    # A conflict declared by the late reviewer takes them out of the count.
    assignment_declare(assignment=late, conflict=True, reason="Ancien collègue.", actor=late.reviewer)
    consensus_save(consensus=consensus, scores=_scores(consensus), overall_opinion="x", actor=done.reviewer)


def test_a_decision_without_consensus_releases_no_summary(commit):
    dossier = reviewed_dossier()
    with commit():
        decision_record(
            application=dossier, outcome="not_selected", rationale="Motifs.", actor=programme_manager()
        )
    assert not EvaluationSummary.objects.exists()
    assert mail.outbox and all("synthèse" not in m.body.lower() for m in mail.outbox)
