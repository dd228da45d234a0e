"""Questions the administrators add per action, to the letter of intent or to the dossier, and
the applications' answers to them (issue 15).

Answers are rows (`Answer`), not a JSON field on the application: one row per question and
application (unique), a file answer points at its `Document` (so the upload checks, the virus
verdict and the SHA-256 come with it), a deactivated question keeps its answers, and exports
prefetch them in one query per chunk. What was submitted is frozen in the snapshot."""

from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cma_portal.formats import number as grouped
from cma_portal.i18n import pick


class Question(models.Model):
    class Stage(models.TextChoices):
        LETTER = "letter", _("Lettre d'intention")
        DOSSIER = "dossier", _("Dossier complet")

    class Kind(models.TextChoices):
        TEXT = "text", _("Texte court")
        LONG_TEXT = "long_text", _("Texte long")
        NUMBER = "number", _("Nombre")
        CHOICE = "choice", _("Choix dans une liste")
        FILE = "file", _("Fichier")

    action = models.ForeignKey(
        "actions.Action", on_delete=models.PROTECT, related_name="questions", verbose_name=_("action")
    )
    stage = models.CharField(_("étape"), max_length=16, choices=Stage.choices)
    kind = models.CharField(_("type de réponse"), max_length=16, choices=Kind.choices)
    label_fr = models.CharField(_("question (français)"), max_length=255)
    label_en = models.CharField(_("question (anglais)"), max_length=255, blank=True)
    help_fr = models.TextField(_("aide (français)"), blank=True)
    help_en = models.TextField(_("aide (anglais)"), blank=True)
    # One choice a line; the French line is what an answer stores, the English one (same
    # position) is shown to English readers.
    choices_fr = models.TextField(_("choix (français)"), blank=True)
    choices_en = models.TextField(_("choix (anglais)"), blank=True)
    required = models.BooleanField(_("réponse nécessaire pour déposer"), default=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action__number", "stage", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["stage", "is_active", "action"], name="question_stage_active")]

    def __str__(self):
        return self.label_fr

    @property
    def label(self) -> str:
        return pick(self, "label")

    @property
    def help(self) -> str:
        return pick(self, "help")

    @property
    def field_name(self) -> str:
        return f"q_{self.pk}"

    def choice_list(self) -> list[tuple[str, str]]:
        """(stored value, label in the reader's language) of each choice."""
        french = [line.strip() for line in self.choices_fr.splitlines() if line.strip()]
        english = [line.strip() for line in self.choices_en.splitlines() if line.strip()]
        if not (get_language() or "fr").startswith("en") or len(english) != len(french):
            return [(value, value) for value in french]
        return list(zip(french, english, strict=True))

    def display(self, value: str) -> str:
        """An answer's value as the reader reads it (a choice in their language)."""
        if self.kind == self.Kind.CHOICE:
            return dict(self.choice_list()).get(value, value)
        if self.kind == self.Kind.NUMBER and value:
            try:
                number = Decimal(value)
            except InvalidOperation:
                return value
            return grouped(number)
        return value


class Answer(models.Model):
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.TextField(_("réponse"), blank=True)
    document = models.ForeignKey(
        "applications.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], name="unique_answer_per_question")
        ]

    def is_answered(self) -> bool:
        if self.question.kind == Question.Kind.FILE:
            return self.document_id is not None
        return bool(self.value.strip())
