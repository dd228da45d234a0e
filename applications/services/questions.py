"""Questions per action (administrators) and the applications' answers (editors).

Questions are never deleted once created: deactivating one hides it from the forms and the
checks, and the answers already given stay (past submissions froze them anyway)."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from applications.models import Answer, Application, Document, Question
from applications.services.documents import document_store
from cma_portal.audit import audit_record

QUESTION_FIELDS = (
    "action",
    "stage",
    "kind",
    "label_fr",
    "label_en",
    "help_fr",
    "help_en",
    "choices_fr",
    "choices_en",
    "required",
    "order",
)


@transaction.atomic
def question_create(*, actor, **fields) -> Question:
    """A new question. Side effects: an AuditEvent "question_created"."""
    question = Question.objects.create(**{name: fields[name] for name in QUESTION_FIELDS})
    audit_record(
        actor=actor,
        verb="question_created",
        obj=question,
        data={"action": question.action.number, "stage": question.stage, "kind": question.kind},
    )
    return question


@transaction.atomic
def question_update(*, question: Question, actor, **fields) -> Question:
    """Change a question's wording, choices, flags or order. Answers already given stay; the
    snapshots of past submissions keep the wording they were given with.
    Side effects: an AuditEvent "question_updated" listing the changed fields."""
    changed = [name for name in QUESTION_FIELDS if name in fields and getattr(question, name) != fields[name]]
    for name in changed:
        setattr(question, name, fields[name])
    question.updated_at = timezone.now()
    question.save()
    audit_record(actor=actor, verb="question_updated", obj=question, data={"changed": changed})
    return question


@transaction.atomic
def question_set_active(*, question: Question, active: bool, actor) -> Question:
    """Show (active) or hide a question. Side effects: an AuditEvent "question_activated" or
    "question_deactivated"."""
    Question.objects.filter(pk=question.pk).update(is_active=active, updated_at=timezone.now())
    question.is_active = active
    audit_record(actor=actor, verb="question_activated" if active else "question_deactivated", obj=question)
    return question


def _text(question: Question, value) -> str:
    if value is None:
        return ""
    if question.kind == Question.Kind.NUMBER:
        return f"{Decimal(value).normalize():f}" if value != "" else ""
    return str(value).strip()


@transaction.atomic
def answers_save(*, application: Application, user, values: dict[Question, object]) -> list[str]:
    """Record the answers typed in a form (`values`: question → cleaned value; a file question's
    value is an uploaded file already checked by the form, or None to keep the current one).
    Returns the field names that changed. Called inside the letter's or the dossier's save.

    Side effects: a file answer is stored with `document_store` (its own AuditEvent
    "document_uploaded"); the previous file of that question leaves the current documents.
    """
    existing = {a.question_id: a for a in application.answers.all()}
    changed = []
    now = timezone.now()
    for question, value in values.items():
        answer = existing.get(question.pk) or Answer(application=application, question=question)
        if question.kind == Question.Kind.FILE:
            if not value:
                continue
            previous = answer.document_id
            answer.document = document_store(
                application=application,
                kind=Document.Kind.ANSWER,
                uploaded_file=value,
                user=user,
                label=question.label_fr[:255],
                page_count=getattr(value, "cma_page_count", None),
                content_type=getattr(value, "cma_content_type", ""),
            )
            if previous:
                Document.objects.filter(pk=previous).update(is_current=False)
        else:
            text = _text(question, value)
            if (answer.pk and answer.value == text) or (not answer.pk and not text):
                continue
            answer.value = text
        answer.updated_at = now
        answer.save()
        changed.append(question.field_name)
    return changed
