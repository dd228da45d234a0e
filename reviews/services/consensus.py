"""The consensus of a dossier: a programme manager names the rapporteur among the dossier's
reviewers without conflict; once every review is in, the rapporteur writes a score and a comment
per criterion and an overall opinion, and submits; a programme manager validates it (which
initialises the evaluation summary) or sends it back. State changes go through the rows of
`reviews.workflow.CONSENSUS_TRANSITIONS` (docs/evaluation.md)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from cma_portal import roles
from cma_portal.audit import audit_record
from reviews import effects, scoring
from reviews.errors import ReviewError
from reviews.models import Assignment, Consensus, ConsensusScore, Grid, Review
from reviews.selectors import current_grid_for, is_member_conflict
from reviews.selectors_consensus import reviews_pending
from reviews.services.transitions import review_side_transition
from reviews.workflow import CONSENSUS_TRANSITIONS

STALE = _("Ce consensus a été modifié entre-temps : rechargez la page et reprenez vos modifications.")


def _grid_of(assignment: Assignment) -> Grid:
    """The grid the rapporteur scored with (reviews pin their grid), else the dossier's current one."""
    review = Review.objects.filter(assignment=assignment).select_related("grid").first()
    return review.grid if review is not None else current_grid_for(assignment.application)


@transaction.atomic
def consensus_name_rapporteur(*, application: Application, assignment: Assignment, actor) -> Consensus:
    """Name the reviewer of `assignment` rapporteur of `application` (creating its consensus with
    one empty score per criterion), or change the rapporteur while the consensus is a draft.

    Side effects: an AuditEvent "rapporteur_named"; email "rapporteur_named" to the reviewer.
    """
    if not roles.may(actor, "assign_reviewers"):
        raise ReviewError(_("Vous n'avez pas le droit d'effectuer cette action."))
    application = Application.objects.select_for_update().get(pk=application.pk)
    assignment = Assignment.objects.select_related("reviewer").get(pk=assignment.pk)
    if assignment.application_id != application.pk or assignment.state != Assignment.State.ACCEPTED:
        raise ReviewError(
            _("Le rapporteur doit être un·e évaluateur·rice du dossier, sans conflit d'intérêts.")
        )
    if is_member_conflict(assignment.reviewer, application):
        raise ReviewError(
            _("Le rapporteur doit être un·e évaluateur·rice du dossier, sans conflit d'intérêts.")
        )
    consensus = Consensus.objects.filter(application=application).first()
    if consensus is None:
        consensus = Consensus.objects.create(
            application=application, assignment=assignment, grid=_grid_of(assignment), named_by=actor
        )
        ConsensusScore.objects.bulk_create(
            ConsensusScore(consensus=consensus, criterion=c) for c in consensus.grid.criteria.all()
        )
    elif consensus.state != Consensus.State.DRAFT:
        raise ReviewError(_("Le consensus est déjà transmis : le rapporteur ne peut plus changer."))
    elif consensus.assignment_id == assignment.pk:
        return consensus
    else:
        consensus.assignment = assignment
        consensus.named_by, consensus.named_at = actor, timezone.now()
        consensus.version += 1
        consensus.save(update_fields=["assignment", "named_by", "named_at", "version"])
    audit_record(actor=actor, verb="rapporteur_named", obj=consensus, data={"assignment": assignment.pk})
    effects.email_rapporteur_named(consensus, actor, "", {})
    return consensus


@transaction.atomic
def consensus_save(
    *,
    consensus: Consensus,
    scores: dict[int, tuple[int | None, str]],
    overall_opinion: str,
    actor,
    version: int | None = None,
    submit: bool = False,
) -> Consensus:
    """Save the rapporteur's scores (criterion id → (value or None, comment)) and overall
    opinion; `submit` checks that every criterion is scored and commented, computes the
    weighted score on /20 and hands the consensus to the programme managers for validation.

    Side effects: an AuditEvent "consensus_saved" or "consensus_submitted".
    """
    consensus = Consensus.objects.select_for_update().select_related("assignment").get(pk=consensus.pk)
    if actor is None or consensus.assignment.reviewer_id != actor.pk:
        raise ReviewError(_("Seul le rapporteur peut rédiger ce consensus."))
    if consensus.assignment.state != Assignment.State.ACCEPTED:
        raise ReviewError(_("Seul le rapporteur peut rédiger ce consensus."))
    if consensus.state != Consensus.State.DRAFT:
        raise ReviewError(_("Ce consensus est transmis : il ne peut plus être modifié."))
    if version is not None and version != consensus.version:
        raise ReviewError(STALE)
    if reviews_pending(consensus.application):
        raise ReviewError(_("Le consensus s'écrit une fois toutes les évaluations transmises."))
    rows = list(consensus.scores.select_related("criterion"))
    for row in rows:
        value, comment = scores.get(row.criterion_id, (row.value, row.comment))
        if value is not None and not 0 <= int(value) <= row.criterion.scale_max:
            raise ReviewError(
                _("La note du critère « %(label)s » doit être comprise entre 0 et %(max)s.")
                % {"label": row.criterion.label, "max": row.criterion.scale_max}
            )
        row.value, row.comment = value, (comment or "").strip()
    ConsensusScore.objects.bulk_update(rows, ["value", "comment"])
    consensus.overall_opinion = (overall_opinion or "").strip()
    consensus.updated_at = timezone.now()
    consensus.version += 1
    if not submit:
        consensus.save()
        audit_record(actor=actor, verb="consensus_saved", obj=consensus, to_state=consensus.state)
        return consensus
    missing = [row.criterion.label for row in rows if row.value is None or not row.comment]
    if missing:
        raise ReviewError(
            _("Notez et commentez chaque critère avant de transmettre : %(labels)s.")
            % {"labels": ", ".join(missing)}
        )
    if not consensus.overall_opinion:
        raise ReviewError(_("L'avis global est obligatoire pour transmettre."))
    weighted = scoring.weighted_score(
        (row.criterion.weight, row.value, row.criterion.scale_max) for row in rows
    )
    consensus.save()

    def apply(locked: Consensus) -> None:
        locked.weighted_score = weighted
        locked.submitted_at = timezone.now()
        locked.return_note = ""

    return review_side_transition(
        obj=consensus,
        transition=CONSENSUS_TRANSITIONS["submit"],
        actor=actor,
        verb="consensus_submitted",
        data={"weighted_score": str(weighted)},
        apply=apply,
        refused=_("Ce consensus est transmis : il ne peut plus être modifié."),
    )


def consensus_validate(*, consensus: Consensus, actor) -> Consensus:
    """Validate the submitted consensus: the ranking uses its score from now on.

    Side effects: an AuditEvent "consensus_validated"; the evaluation summary initialised from it
    (`effects.summary_from_consensus`, AuditEvent "evaluation_summary_created").
    """

    def apply(locked: Consensus) -> None:
        locked.validated_at = timezone.now()
        locked.validated_by = actor
        locked.version += 1

    return review_side_transition(
        obj=consensus,
        transition=CONSENSUS_TRANSITIONS["validate"],
        actor=actor,
        verb="consensus_validated",
        data={"weighted_score": str(consensus.weighted_score)},
        apply=apply,
        refused=_("Seul un consensus transmis par le rapporteur peut être validé."),
    )


def consensus_send_back(*, consensus: Consensus, actor, note: str) -> Consensus:
    """Send the submitted consensus back to the rapporteur, with the reason.

    Side effects: an AuditEvent "consensus_sent_back"; email "consensus_sent_back" to the rapporteur.
    """
    note = (note or "").strip()
    if not note:
        raise ReviewError(_("Indiquez au rapporteur ce qui doit être repris."))

    def apply(locked: Consensus) -> None:
        locked.return_note = note
        locked.version += 1

    return review_side_transition(
        obj=consensus,
        transition=CONSENSUS_TRANSITIONS["send_back"],
        actor=actor,
        verb="consensus_sent_back",
        note=note,
        apply=apply,
        refused=_("Seul un consensus transmis par le rapporteur peut lui être renvoyé."),
    )
