"""The call itself and its waves: when letters of intent are accepted, and the call's rules."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cma_portal.i18n import pick


class Call(models.Model):
    """The AMI "Compétences et métiers d'avenir", digital-health strand, and its rules.

    Defaults are the published facts; administrators edit them. `planned_end` is the end the
    texts announce; the call only stops accepting letters at `closes_at` when it is set (the
    texts say "or until the funds run out", so the rolling procedure may outlive the plan).
    """

    code = models.SlugField(_("code"), unique=True, default="cma-sante-numerique")
    name_fr = models.CharField(_("nom (français)"), max_length=200)
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    opens_at = models.DateTimeField(_("ouverture"))
    planned_end = models.DateTimeField(_("fin prévue"))
    closes_at = models.DateTimeField(
        _("clôture effective"), null=True, blank=True, help_text=_("Vide tant que l'appel reste ouvert.")
    )
    budget_envelope = models.DecimalField(
        _("enveloppe budgétaire (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    letter_page_limit = models.PositiveSmallIntegerField(
        _("pages maximum de la lettre d'intention"), default=2
    )
    dossier_page_limit = models.PositiveSmallIntegerField(
        _("pages maximum de la présentation du dossier"), default=15
    )
    allow_macro_workbooks = models.BooleanField(
        _("accepter les fichiers avec macros"),
        default=False,
        help_text=_(
            "Décoché : les classeurs et documents contenant des macros (.xlsm, VBA, scripts) sont refusés "
            "à chaque dépôt. Ne cochez que si un modèle de l'appel en exige."
        ),
    )
    dossier_delay_months = models.PositiveSmallIntegerField(
        _("délai de dépôt du dossier complet (mois)"), default=3
    )
    max_aid_rate = models.DecimalField(
        _("taux d'aide maximum (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_duration_months = models.PositiveSmallIntegerField(_("durée maximale des projets (mois)"), default=60)
    national_target_people_trained = models.PositiveIntegerField(
        _("objectif national de personnes formées"), default=112_000
    )
    target_year = models.PositiveSmallIntegerField(_("échéance de l'objectif"), default=2030)

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return pick(self, "name")

    def is_open(self, at: datetime) -> bool:
        return self.opens_at <= at and (self.closes_at is None or at < self.closes_at)

    @classmethod
    def current(cls) -> "Call":
        return cls.objects.order_by("id").first()


class WaveQuerySet(models.QuerySet):
    def with_call(self):
        return self.select_related("call").prefetch_related("actions")


class Wave(models.Model):
    """A wave ("vague", "levée") of the call. Scheduled waves accept letters between their
    opening and closing instants; the rolling procedure from its opening until the call closes,
    its own closing instant if one is set, or its envelope is spent."""

    class Mode(models.TextChoices):
        SCHEDULED = "scheduled", _("vague à date fixe")
        ROLLING = "rolling", _("au fil de l'eau")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="waves")
    name_fr = models.CharField(_("nom (français)"), max_length=200)
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.SCHEDULED)
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(
        _("clôture"), null=True, blank=True, help_text=_("Obligatoire pour une vague à date fixe.")
    )
    actions = models.ManyToManyField(
        "actions.Action", related_name="waves", verbose_name=_("actions ouvertes")
    )
    budget_envelope = models.DecimalField(
        _("enveloppe budgétaire (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    committee_date = models.DateField(_("date du comité GO / NO GO"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set when an administrator closes the wave before its planned closing (reason in the audit).
    closed_early_at = models.DateTimeField(_("clôturée par anticipation le"), null=True, blank=True)
    # Claimed by a conditional UPDATE so that the opening announcement goes out exactly once.
    announced_at = models.DateTimeField(_("annonce envoyée le"), null=True, blank=True, editable=False)

    objects = WaveQuerySet.as_manager()

    class Meta:
        ordering = ["opens_at", "id"]
        verbose_name = _("vague")
        verbose_name_plural = _("vagues")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return pick(self, "name")

    def clean(self):
        if self.mode == self.Mode.SCHEDULED and not self.closes_at:
            raise ValidationError({"closes_at": _("Une vague à date fixe doit avoir une date de clôture.")})
        if self.closes_at and self.opens_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("La clôture doit être postérieure à l'ouverture.")})

    def granted_total(self) -> Decimal:
        """Aid granted to this wave's laureates (the part of the envelope already spent)."""
        total = self.applications.filter(state="selected").aggregate(total=models.Sum("aid_granted"))["total"]
        return total or Decimal("0")

    def envelope_spent(self) -> bool:
        return self.budget_envelope is not None and self.granted_total() >= self.budget_envelope

    def effective_closes_at(self) -> datetime | None:
        """The instant letters stop being accepted, as far as dates tell."""
        candidates = [c for c in (self.closes_at, self.call.closes_at) if c is not None]
        return min(candidates) if candidates else None

    def accepts_letters(self, at: datetime | None = None) -> bool:
        """Whether a letter of intent may be submitted to this wave at instant `at`.

        The opening instant is included, the closing instant excluded.
        """
        at = at or timezone.now()
        if at < self.opens_at or not self.call.is_open(at):
            return False
        closes_at = self.effective_closes_at()
        if closes_at is not None and at >= closes_at:
            return False
        if self.mode == self.Mode.ROLLING and self.envelope_spent():
            return False
        return True

    def status(self, at: datetime | None = None) -> str:
        at = at or timezone.now()
        if at < self.opens_at:
            return "upcoming"
        return "open" if self.accepts_letters(at) else "closed"
