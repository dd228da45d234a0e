"""After the decision: the grant agreement of a laureate, its instalments and its reports.

State changes never happen here: `grants.services.transitions.grant_transition` applies the
rows of `grants.workflow`.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0")


def grant_file_upload_to(instance, filename):
    # A random name, like the application's documents: the original one is kept apart.
    return f"grants/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Agreement(models.Model):
    """The grant agreement (convention de financement) of one laureate."""

    class State(models.TextChoices):
        IN_PREPARATION = "in_preparation", _("Convention en préparation")
        SENT_FOR_SIGNATURE = "sent_for_signature", _("Convention envoyée pour signature")
        SIGNED = "signed", _("Convention signée")
        RUNNING = "running", _("Projet en cours")
        CLOSED = "closed", _("Projet clôturé")
        TERMINATED = "terminated", _("Convention résiliée")

    # States whose agreement is in force: published as open data, counted as committed money.
    IN_FORCE = (State.SIGNED, State.RUNNING, State.CLOSED)

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="grant_agreement"
    )
    state = models.CharField(
        _("état"), max_length=32, choices=State.choices, default=State.IN_PREPARATION, db_index=True
    )
    amount_granted = models.DecimalField(_("montant accordé (€)"), max_digits=14, decimal_places=2)
    aid_rate = models.DecimalField(_("taux d'aide (%)"), max_digits=5, decimal_places=2)
    start_date = models.DateField(_("date de début"))
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"))
    special_conditions = models.TextField(_("conditions particulières"), blank=True)
    signed_file = models.FileField(upload_to=grant_file_upload_to, max_length=255, blank=True)
    signed_file_name = models.CharField(max_length=255, blank=True)
    signed_file_sha256 = models.CharField(max_length=64, blank=True)
    signed_uploaded_at = models.DateTimeField(null=True, blank=True)
    signed_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    countersigned_file = models.FileField(upload_to=grant_file_upload_to, max_length=255, blank=True)
    countersigned_file_name = models.CharField(max_length=255, blank=True)
    # The agreement's date: the day staff countersigned it.
    signed_on = models.DateField(_("date de la convention"), null=True, blank=True, db_index=True)
    termination_reason = models.TextField(_("motif de résiliation"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("convention de financement")
        verbose_name_plural = _("conventions de financement")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_granted__gt=0), name="grant_amount_positive")
        ]

    def __str__(self):
        return f"{self.application.reference or self.application_id} — {self.get_state_display()}"

    @property
    def end_date(self):
        from grants.calendar import add_months

        return add_months(self.start_date, self.duration_months)


class Report(models.Model):
    """A yearly or final report of the laureate."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("Rapport annuel")
        FINAL = "final", _("Rapport final")

    class State(models.TextChoices):
        DRAFT = "draft", _("Rapport à compléter")
        SUBMITTED = "submitted", _("Rapport déposé")
        CORRECTION_REQUESTED = "correction_requested", _("Correction demandée")
        ACCEPTED = "accepted", _("Rapport accepté")

    EDITABLE = (State.DRAFT, State.CORRECTION_REQUESTED)

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("numéro"))
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    due_date = models.DateField(_("date de remise"), db_index=True)
    state = models.CharField(
        _("état"), max_length=32, choices=State.choices, default=State.DRAFT, db_index=True
    )
    courses_opened = models.PositiveIntegerField(_("formations ouvertes"), default=0)
    modules_opened = models.PositiveIntegerField(_("modules ouverts"), default=0)
    milestones_reached = models.ManyToManyField(
        "applications.Milestone", blank=True, related_name="+", verbose_name=_("jalons atteints")
    )
    narrative = models.TextField(_("rapport d'activité"), blank=True)
    correction_note = models.TextField(_("correction demandée"), blank=True)
    # Optimistic concurrency between co-editors, as on the dossier.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "number", "id"]
        verbose_name = _("rapport")
        verbose_name_plural = _("rapports")
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="unique_report_number")]
        indexes = [models.Index(fields=["state", "due_date"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def editable(self) -> bool:
        return self.state in self.EDITABLE


class ReportTraining(models.Model):
    """People trained in the report's period, for one audience of the dossier's targets."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="training")
    audience = models.CharField(_("public"), max_length=32)
    people_trained = models.PositiveIntegerField(_("personnes formées"), default=0)

    class Meta:
        ordering = ["audience", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "audience"], name="unique_report_audience")]


class ReportExpense(models.Model):
    """Expenditure of the period in one budget category of the dossier."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="expenses")
    category = models.CharField(_("catégorie"), max_length=32)
    amount = models.DecimalField(_("dépenses (€)"), max_digits=14, decimal_places=2, default=ZERO)

    class Meta:
        ordering = ["category", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "category"], name="unique_report_category")]


class ReportDocument(models.Model):
    """A supporting document of a report (PDF, checked by the project's validators)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=grant_file_upload_to, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]


class Instalment(models.Model):
    """One payment of the schedule: released by its condition, then marked paid by staff."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Avance")
        INTERMEDIATE = "intermediate", _("Versement intermédiaire")
        BALANCE = "balance", _("Solde")

    class Condition(models.TextChoices):
        SIGNATURE = "signature", _("Signature de la convention")
        REPORT = "report", _("Acceptation d'un rapport")

    class State(models.TextChoices):
        PLANNED = "planned", _("Prévu")
        RELEASED = "released", _("Débloqué")
        PAID = "paid", _("Payé")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="instalments")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    percentage = models.DecimalField(_("part (%)"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("montant prévu (€)"), max_digits=14, decimal_places=2)
    planned_date = models.DateField(_("date prévue"))
    condition = models.CharField(_("condition"), max_length=16, choices=Condition.choices)
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="instalments"
    )
    state = models.CharField(
        _("état"), max_length=16, choices=State.choices, default=State.PLANNED, db_index=True
    )
    released_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(_("payé le"), null=True, blank=True)
    payment_reference = models.CharField(_("référence du paiement"), max_length=64, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("versement")
        verbose_name_plural = _("versements")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "order"], name="unique_instalment_order"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="instalment_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.order}"
