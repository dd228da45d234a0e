"""The evaluation summary the applicant receives with the decision: initialised from the
validated consensus (`reviews.effects.summary_from_consensus`), worded by staff here until the
decision releases it (`reviews.effects.release_evaluation_summary`)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cma_portal import roles
from cma_portal.audit import audit_record
from reviews.errors import ReviewError
from reviews.models import EvaluationSummary, EvaluationSummaryItem


@transaction.atomic
def summary_save(
    *, summary: EvaluationSummary, comments: dict[int, str], overall_opinion: str, actor, version: int | None
) -> EvaluationSummary:
    """Reword the summary (criterion id → comment, and the overall opinion); scores stay those
    of the validated consensus. Refused once released, or when someone saved in between.

    Side effects: an AuditEvent "evaluation_summary_saved".
    """
    if not roles.may(actor, "decide"):
        raise ReviewError(_("Vous n'avez pas le droit d'effectuer cette action."))
    summary = EvaluationSummary.objects.select_for_update().get(pk=summary.pk)
    if summary.released:
        raise ReviewError(
            _("La synthèse est transmise au porteur avec la décision : elle ne se modifie plus.")
        )
    if version is not None and version != summary.version:
        raise ReviewError(
            _("Cette synthèse a été modifiée entre-temps : rechargez la page et reprenez vos modifications.")
        )
    overall_opinion = (overall_opinion or "").strip()
    if not overall_opinion:
        raise ReviewError(_("L'avis global de la synthèse ne peut pas être vide."))
    items = list(summary.items.all())
    for item in items:
        item.comment = (comments.get(item.criterion_id, item.comment) or "").strip()
    EvaluationSummaryItem.objects.bulk_update(items, ["comment"])
    summary.overall_opinion = overall_opinion
    summary.updated_at, summary.updated_by = timezone.now(), actor
    summary.version += 1
    summary.save()
    audit_record(actor=actor, verb="evaluation_summary_saved", obj=summary)
    return summary
