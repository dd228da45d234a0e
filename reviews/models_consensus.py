"""The consensus of a dossier's reviews, written by a rapporteur, and the evaluation summary the
applicant receives with the decision (docs/evaluation.md).

Imported at the end of `reviews.models`, so Django registers these models with the app. Related
models are named by string: this module imports nothing from `reviews.models`.

State changes never happen here: `reviews.services.consensus` and `.summaries` do every write.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsensusQuerySet(models.QuerySet):
    def validated_scores(self, wave_id: int) -> dict[int, float]:
        """Application id → weighted score of its validated consensus, for the wave's ranking
        (one query)."""
        rows = self.filter(
            application__wave_id=wave_id, state=Consensus.State.VALIDATED, weighted_score__isnull=False
        ).values_list("application_id", "weighted_score")
        return {application_id: float(score) for application_id, score in rows}


class Consensus(models.Model):
    """The consensus of one dossier: a score and a comment per criterion of the grid and an
    overall opinion, written by the rapporteur (one of the dossier's reviewers, named by a
    programme manager) once every review is in, then validated by a programme manager."""

    class State(models.TextChoices):
        DRAFT = "draft", _("En rédaction par le rapporteur")
        SUBMITTED = "submitted", _("Transmis pour validation")
        VALIDATED = "validated", _("Validé")

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="consensus"
    )
    # The rapporteur's assignment: `review_side_transition` knows the rapporteur through it.
    assignment = models.ForeignKey(
        "reviews.Assignment",
        on_delete=models.PROTECT,
        related_name="consensuses",
        verbose_name=_("rapporteur"),
    )
    grid = models.ForeignKey("reviews.Grid", on_delete=models.PROTECT, related_name="consensuses")
    state = models.CharField(_("état"), max_length=16, choices=State.choices, default=State.DRAFT)
    overall_opinion = models.TextField(_("avis global"), blank=True)
    weighted_score = models.DecimalField(
        _("note de consensus (/20)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    named_at = models.DateTimeField(default=timezone.now)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The programme manager's reason when sending the consensus back to the rapporteur.
    return_note = models.TextField(_("motif du renvoi"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # Optimistic concurrency: a form posts the version it was built from.
    version = models.PositiveIntegerField(default=1)

    objects = ConsensusQuerySet.as_manager()

    class Meta:
        verbose_name = _("consensus")
        verbose_name_plural = _("consensus")
        indexes = [models.Index(fields=["state", "application"], name="consensus_state_idx")]

    def __str__(self):
        return f"{self.application} — {self.get_state_display()}"


class ConsensusScore(models.Model):
    consensus = models.ForeignKey(Consensus, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey("reviews.Criterion", on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("note"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["consensus", "criterion"], name="unique_consensus_score")
        ]


class EvaluationSummary(models.Model):
    """What the applicant reads of the evaluation: per criterion a score and a comment, and an
    overall opinion; never a reviewer's name nor an individual review. Initialised from the
    validated consensus, worded by staff, released with the decision."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="evaluation_summary"
    )
    consensus = models.OneToOneField(Consensus, on_delete=models.PROTECT, related_name="summary")
    overall_opinion = models.TextField(_("avis global"))
    weighted_score = models.DecimalField(_("note globale (/20)"), max_digits=5, decimal_places=2, null=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("synthèse de l'évaluation")
        verbose_name_plural = _("synthèses de l'évaluation")

    def __str__(self):
        return str(self.application)

    @property
    def released(self) -> bool:
        return self.released_at is not None


class EvaluationSummaryItem(models.Model):
    summary = models.ForeignKey(EvaluationSummary, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey("reviews.Criterion", on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("note"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["summary", "criterion"], name="unique_summary_item")]
