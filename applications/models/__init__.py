"""Organisations, applications (letter of intent, then full dossier), their parts and records.

State changes never happen here: `services/transitions.py` applies the rows of `workflow.py`.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.indexes import LIST_INDEXES

# The dossier's detail lives in its own module; Django and callers import it from here.
from applications.models.dossier import BudgetLine, ConsortiumPartner, Milestone, TrainingTarget  # noqa: F401
from applications.models.messages_bulk import BulkMessage  # noqa: F401
from applications.models.questions import Answer, Question  # noqa: F401
from applications.states import State


class Organisation(models.Model):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("Université")
        ENGINEERING_SCHOOL = "engineering_school", _("École d'ingénieurs")
        OTHER_HIGHER_EDUCATION = "other_higher_education", _("Autre établissement d'enseignement supérieur")
        HOSPITAL = "hospital", _("Établissement de santé ou structure de soins")
        DIGITAL_TRAINING = "digital_training", _("Acteur de la formation au numérique")
        COMPANY = "company", _("Entreprise")
        OTHER = "other", _("Autre")

    HIGHER_EDUCATION_KINDS = (Kind.UNIVERSITY, Kind.ENGINEERING_SCHOOL, Kind.OTHER_HIGHER_EDUCATION)

    class Region(models.TextChoices):
        ARA = "ARA", "Auvergne-Rhône-Alpes"
        BFC = "BFC", "Bourgogne-Franche-Comté"
        BRE = "BRE", "Bretagne"
        CVL = "CVL", "Centre-Val de Loire"
        COR = "COR", "Corse"
        GES = "GES", "Grand Est"
        HDF = "HDF", "Hauts-de-France"
        IDF = "IDF", "Île-de-France"
        NOR = "NOR", "Normandie"
        NAQ = "NAQ", "Nouvelle-Aquitaine"
        OCC = "OCC", "Occitanie"
        PDL = "PDL", "Pays de la Loire"
        PAC = "PAC", "Provence-Alpes-Côte d'Azur"
        GUA = "GUA", "Guadeloupe"
        MTQ = "MTQ", "Martinique"
        GUF = "GUF", "Guyane"
        LRE = "LRE", "La Réunion"
        MAY = "MAY", "Mayotte"

    name = models.CharField(_("nom"), max_length=255)
    kind = models.CharField(_("nature"), max_length=32, choices=Kind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    uai = models.CharField(_("UAI"), max_length=8, blank=True)
    region = models.CharField(_("région"), max_length=3, choices=Region.choices)
    address = models.TextField(_("adresse"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("applications:organisation", args=[self.pk])

    @property
    def is_higher_education(self) -> bool:
        return self.kind in self.HIGHER_EDUCATION_KINDS


class Membership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="unique_membership")]


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=State.open_states())


class Application(models.Model):
    """One answer to the call: a letter of intent, then (after GO) a full dossier."""

    reference = models.CharField(_("référence"), max_length=32, unique=True, null=True, blank=True)
    wave = models.ForeignKey(
        "waves.Wave", on_delete=models.PROTECT, related_name="applications", verbose_name=_("vague")
    )
    state = models.CharField(
        _("état"), max_length=32, choices=State.choices, default=State.LI_DRAFT, db_index=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_applications"
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_applications",
        verbose_name=_("établissement porteur"),
    )
    actions = models.ManyToManyField("actions.Action", related_name="applications", verbose_name=_("actions"))
    components = models.ManyToManyField(
        "actions.ActionComponent", related_name="applications", blank=True, verbose_name=_("volets")
    )

    # Letter of intent
    title = models.CharField(_("titre du projet"), max_length=255, blank=True)
    acronym = models.CharField(_("acronyme"), max_length=32, blank=True)
    summary = models.TextField(_("résumé"), blank=True)
    estimated_total_cost = models.DecimalField(
        _("coût total estimé (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    estimated_aid_requested = models.DecimalField(
        _("aide demandée estimée (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    planned_duration_months = models.PositiveSmallIntegerField(
        _("durée prévue (mois)"), null=True, blank=True
    )
    people_trained_per_year = models.PositiveIntegerField(
        _("personnes formées par an (estimation)"), null=True, blank=True
    )
    audience = models.TextField(_("publics visés"), blank=True)

    # Dossier
    dossier_deadline = models.DateTimeField(_("date limite du dossier complet"), null=True, blank=True)
    go_decided_at = models.DateTimeField(_("date du GO"), null=True, blank=True)
    decision_note = models.TextField(_("motifs et recommandations"), blank=True)
    resubmission_of = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="resubmissions",
        verbose_name=_("redépôt de"),
    )

    # Final decision
    aid_granted = models.DecimalField(
        _("aide accordée (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    # Optimistic concurrency: every save through a form checks and bumps it.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    letter_submitted_at = models.DateTimeField(null=True, blank=True)
    dossier_submitted_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        indexes = [models.Index(fields=["state", "dossier_deadline"]), *LIST_INDEXES]

    def __str__(self):
        label = self.acronym or self.title or _("Brouillon")
        return f"{self.reference} — {label}" if self.reference else str(label)

    def get_absolute_url(self):
        return reverse("applications:detail", args=[self.pk])

    @property
    def display_reference(self):
        return self.reference or _("(attribuée au dépôt)")


class Collaborator(models.Model):
    """A co-editor: sees and edits the application, cannot withdraw it or remove the owner."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="collaborators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="collaborations",
    )
    email = models.EmailField(_("adresse électronique"))
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "email"], name="unique_collaborator_email")
        ]


def document_upload_to(instance, filename):
    # A random name: the original one is kept in `original_name`, never used on disk.
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Document(models.Model):
    """An uploaded file. Stored outside the static tree under a random name; served only by
    views that check permission."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("Lettre d'intention")
        PRESENTATION = "presentation", _("Présentation du projet")
        FINANCIAL_ANNEX = "financial_annex", _("Annexe financière")
        COMMITMENT = "commitment", _("Lettre d'engagement d'un partenaire")
        OTHER = "other", _("Autre document")
        ATTACHMENT = "attachment", _("Pièce jointe d'un message")
        ANSWER = "answer", _("Réponse à une question")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=127)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    label = models.CharField(_("intitulé"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Replaced documents stay (submissions may point at them) but leave the current set.
    is_current = models.BooleanField(default=True)
    partner = models.ForeignKey(
        "ConsortiumPartner", on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    message = models.ForeignKey(
        "Message", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    # The virus scanner's verdict (cma_portal.uploads.ScanStatus); an infected file is never served.
    scan_status = models.CharField(
        _("analyse antivirus"),
        max_length=16,
        default="pending",
        choices=[
            ("pending", _("en attente")),
            ("clean", _("sain")),
            ("infected", _("infecté")),
        ],
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.original_name


class Submission(models.Model):
    """A frozen snapshot of what was submitted. Later edits never change it."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("Lettre d'intention")
        DOSSIER = "dossier", _("Dossier complet")

    class PdfStatus(models.TextChoices):
        PENDING = "pending", _("en cours de génération")
        READY = "ready", _("prêt")
        FAILED = "failed", _("échec, nouvelle tentative prévue")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="submissions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField()
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the canonical JSON snapshot")
    documents = models.ManyToManyField(Document, related_name="submissions", blank=True)
    pdf = models.FileField(upload_to="submissions/", max_length=255, blank=True)
    pdf_status = models.CharField(max_length=16, choices=PdfStatus.choices, default=PdfStatus.PENDING)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("dépôt")
        verbose_name_plural = _("dépôts")


class Message(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class StaffNote(models.Model):
    """Private annotation by programme managers, never shown to applicants."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="staff_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note interne"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class ReferenceCounter(models.Model):
    """Per-year sequence for references like CMA-SN-2026-0042 (locked row, no gaps on retries)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_value = models.PositiveIntegerField(default=0)


class Reminder(models.Model):
    """One reminder, recorded once. The unique key is what makes sweeps idempotent: a retried
    task, two beat processes or a sweep run twice insert the same key and send nothing twice.
    `due_at` is part of the key, so moving a deadline re-arms its reminders."""

    class Kind(models.TextChoices):
        DOSSIER_D30 = "dossier_d30", _("Dossier complet : J-30")
        DOSSIER_D7 = "dossier_d7", _("Dossier complet : J-7")
        DOSSIER_D1 = "dossier_d1", _("Dossier complet : J-1")
        WAVE_D7 = "wave_d7", _("Clôture de vague : J-7")
        WAVE_D1 = "wave_d1", _("Clôture de vague : J-1")
        REVIEW_D7 = "review_d7", _("Évaluation : J-7")
        REVIEW_D1 = "review_d1", _("Évaluation : J-1")
        EXPIRED = "expired", _("Dossier expiré")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    due_at = models.DateTimeField()
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id", "due_at"], name="unique_reminder"
            )
        ]
