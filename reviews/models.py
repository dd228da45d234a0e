"""Scoring grids, reviewer profiles, assignments, conflicts of interest, reviews and decisions.

State changes never happen here: `services.py` does every write.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GridQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class Grid(models.Model):
    """A scoring grid for one action (or the default grid when `action` is empty).

    Grids are versioned: a grid that already has reviews is never edited in place; editing it
    creates version n+1 and the old version stops being current (reviews keep pointing at the
    version they were scored with).
    """

    action = models.ForeignKey(
        "actions.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grids",
        verbose_name=_("action"),
        help_text=_("Vide : grille par défaut, pour toutes les actions sans grille propre."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("intitulé"), max_length=200)
    is_current = models.BooleanField(_("version en vigueur"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = GridQuerySet.as_manager()

    class Meta:
        ordering = ["action__number", "-version"]
        verbose_name = _("grille d'évaluation")
        verbose_name_plural = _("grilles d'évaluation")
        constraints = [
            models.UniqueConstraint(fields=["action", "version"], name="unique_grid_version"),
            models.UniqueConstraint(
                fields=["action"],
                condition=models.Q(is_current=True),
                name="one_current_grid_per_action",
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"


def _in_language(french: str, english: str) -> str:
    from django.utils.translation import get_language

    if english and (get_language() or "fr").startswith("en"):
        return english
    return french


class Criterion(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    label = models.CharField(_("critère"), max_length=255)
    guidance = models.TextField(_("aide à la notation"), blank=True)
    # English for the reviewers who read the portal in English (empty: the French is shown).
    label_en = models.CharField(_("critère (anglais)"), max_length=255, blank=True)
    guidance_en = models.TextField(_("aide à la notation (anglais)"), blank=True)
    weight = models.DecimalField(
        _("pondération"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    scale_max = models.PositiveSmallIntegerField(
        _("note maximale"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Échelle de 0 à ce maximum."),
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("critère")
        verbose_name_plural = _("critères")

    def __str__(self):
        return self.label

    @property
    def display_label(self) -> str:
        """The label in the active language (English when it is filled in)."""
        return _in_language(self.label, self.label_en)

    @property
    def display_guidance(self) -> str:
        return _in_language(self.guidance, self.guidance_en)


class ReviewerProfile(models.Model):
    """What a reviewer covers: automatic assignment picks reviewers among those covering the
    dossier's actions. Set through `services.reviewer_set_actions`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile"
    )
    actions = models.ManyToManyField("actions.Action", related_name="reviewer_profiles", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("profil d'évaluateur·rice")
        verbose_name_plural = _("profils d'évaluateur·rices")

    def __str__(self):
        return str(self.user)


class Assignment(models.Model):
    """A reviewer asked to review a dossier. The reviewer first declares their interests."""

    class State(models.TextChoices):
        PENDING = "pending", _("Déclaration d'intérêts attendue")
        ACCEPTED = "accepted", _("Sans conflit d'intérêts")
        CONFLICTED = "conflicted", _("Conflit d'intérêts")
        WITHDRAWN = "withdrawn", _("Retirée")

    ACTIVE_STATES = (State.PENDING, State.ACCEPTED)

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    state = models.CharField(_("état"), max_length=16, choices=State.choices, default=State.PENDING)
    due_at = models.DateTimeField(_("date limite de l'évaluation"))
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    automatic = models.BooleanField(_("affectation automatique"), default=False)
    declared_at = models.DateTimeField(_("déclaration d'intérêts"), null=True, blank=True)
    conflict_reason = models.TextField(_("motif du conflit d'intérêts"), blank=True)
    conflict_automatic = models.BooleanField(_("conflit détecté automatiquement"), default=False)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="unique_assignment"),
        ]
        indexes = [
            models.Index(fields=["reviewer", "state"]),
            # The reviewer's queue, in due-date order.
            models.Index(fields=["reviewer", "due_at", "id"], name="assignment_queue_idx"),
        ]

    def __str__(self):
        return f"{self.application} → {self.reviewer}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES


class Review(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Transmise")

    class Recommendation(models.TextChoices):
        FUND = "fund", _("Financer")
        FUND_WITH_CHANGES = "fund_with_changes", _("Financer sous réserve d'ajustements")
        WAITLIST = "waitlist", _("Liste complémentaire")
        REJECT = "reject", _("Ne pas financer")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="reviews")
    state = models.CharField(_("état"), max_length=16, choices=State.choices, default=State.DRAFT)
    overall_opinion = models.TextField(_("avis global"), blank=True)
    recommendation = models.CharField(
        _("recommandation"), max_length=32, choices=Recommendation.choices, blank=True
    )
    # The weighted score on /20, computed when the review is submitted (see docs/reviews.md).
    weighted_score = models.DecimalField(
        _("note pondérée (/20)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")

    def __str__(self):
        return f"{self.assignment}"

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("note"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="unique_score")]


class Decision(models.Model):
    """The committee's decision on a dossier. The application's state, `aid_granted` and
    `decision_note` are set through the workflow; this row keeps who decided, when, and
    whether the laureate is published on /laureats/."""

    class Outcome(models.TextChoices):
        SELECTED = "selected", _("Lauréat")
        WAITLISTED = "waitlisted", _("Liste complémentaire")
        NOT_SELECTED = "not_selected", _("Non retenu")

    TRANSITIONS = {
        Outcome.SELECTED: "select",
        Outcome.WAITLISTED: "waitlist",
        Outcome.NOT_SELECTED: "reject",
    }

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(_("décision"), max_length=16, choices=Outcome.choices)
    aid_granted = models.DecimalField(
        _("aide accordée (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    rationale = models.TextField(_("motifs"))
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "id"]
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self):
        return f"{self.application} — {self.get_outcome_display()}"

    @property
    def published(self) -> bool:
        return self.published_at is not None


# The consensus and the evaluation summary (issue 15) live in their own module; importing it
# here registers them with the app.
from reviews.models_consensus import (  # noqa: E402, F401
    Consensus,
    ConsensusScore,
    EvaluationSummary,
    EvaluationSummaryItem,
)
