"""The detail of the full dossier: consortium partners, budget lines, training targets, milestones."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsortiumPartner(models.Model):
    class Role(models.TextChoices):
        HIGHER_EDUCATION = "higher_education", _("Établissement d'enseignement supérieur partenaire")
        HOSPITAL = "hospital", _("Établissement de santé ou structure de soins")
        DIGITAL_TRAINING = "digital_training", _("Acteur de la formation au numérique")
        COMPANY = "company", _("Entreprise")
        OTHER = "other", _("Autre partenaire")

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        "applications.Organisation", on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    contribution = models.TextField(_("contribution au projet"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organisation"], name="unique_partner_per_application"
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        STAFF = "staff", _("Personnel")
        EQUIPMENT = "equipment", _("Équipement")
        OPERATING = "operating", _("Fonctionnement")
        SUBCONTRACTING = "subcontracting", _("Prestations et sous-traitance")
        OTHER = "other", _("Autres dépenses")

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="budget_lines"
    )
    year = models.PositiveSmallIntegerField(_("année du projet"))
    category = models.CharField(_("catégorie"), max_length=32, choices=Category.choices)
    eligible_cost = models.DecimalField(_("coût éligible (€)"), max_digits=14, decimal_places=2)
    aid_requested = models.DecimalField(
        _("aide demandée (€)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    co_financing = models.DecimalField(
        _("cofinancement (€)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    co_financing_source = models.CharField(_("source du cofinancement"), max_length=255, blank=True)

    class Meta:
        ordering = ["year", "category", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "year", "category"], name="unique_budget_line")
        ]


class TrainingTarget(models.Model):
    class Audience(models.TextChoices):
        INITIAL_HEALTH = "initial_health", _("Étudiants en santé (formation initiale)")
        INITIAL_IT = "initial_it", _("Étudiants en informatique ou ingénierie")
        INITIAL_LAW = "initial_law", _("Étudiants en droit")
        INITIAL_OTHER = "initial_other", _("Autres étudiants")
        CONTINUING = "continuing", _("Professionnels en formation continue")
        DIRECTORS = "directors", _("Directeurs et cadres de structures")

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="training_targets"
    )
    audience = models.CharField(_("public"), max_length=32, choices=Audience.choices)
    year = models.PositiveSmallIntegerField(_("année civile"))
    people_trained = models.PositiveIntegerField(_("personnes formées"))
    hours = models.PositiveIntegerField(_("heures de formation par personne"))

    class Meta:
        ordering = ["year", "audience", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "audience", "year"], name="unique_training_target")
        ]


class Milestone(models.Model):
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("jalon"), max_length=255)
    due_month = models.PositiveSmallIntegerField(_("mois (depuis le début du projet)"))
    deliverable = models.TextField(_("livrable"), blank=True)

    class Meta:
        ordering = ["due_month", "id"]
