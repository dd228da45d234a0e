"""Reads of the questions per action: which ones an application is asked, its answers, what
stops a submission, and the frozen form of the answers for the snapshot."""

from django.db.models import Count, F, FilteredRelation, Prefetch, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from applications.models import Answer, Application, Document, Question


def questions_for(application: Application, stages) -> list[Question]:
    """The active questions of the actions `application` answers, for `stages`, in order."""
    return list(
        Question.objects.filter(is_active=True, stage__in=stages, action__applications=application)
        .select_related("action")
        # The letter's questions first ("letter" > "dossier"); an application answers an
        # action once, so the join yields each question once.
        .order_by("-stage", "action__number", "order", "id")
    )


def questions_and_answers(application: Application, stages) -> tuple[list[Question], dict[int, Answer]]:
    """`questions_for` and the application's answers to them, in one query: the answer (unique
    per question) joined beside each question, its document's name with it."""
    rows = list(
        Question.objects.filter(is_active=True, stage__in=stages, action__applications=application)
        .annotate(mine=FilteredRelation("answers", condition=Q(answers__application=application)))
        .annotate(
            answer_pk=F("mine__id"),
            answer_value=F("mine__value"),
            answer_document_pk=F("mine__document_id"),
            answer_document_name=F("mine__document__original_name"),
        )
        .select_related("action")
        .order_by("-stage", "action__number", "order", "id")
    )
    answers = {}
    for question in rows:
        if question.answer_pk is None:
            continue
        answer = Answer(
            pk=question.answer_pk,
            application=application,
            question=question,
            value=question.answer_value,
            document_id=question.answer_document_pk,
        )
        if question.answer_document_pk:
            answer.document = Document(
                pk=question.answer_document_pk,
                application=application,
                original_name=question.answer_document_name,
            )
        answers[question.pk] = answer
    return rows, answers


def answers_of(application: Application) -> dict[int, Answer]:
    """The application's answers by question id (with their documents)."""
    return {a.question_id: a for a in application.answers.select_related("document")}


def question_problems(
    application: Application, stage: str, *, questions=None, answers=None
) -> list[tuple[str, str]]:
    """Required questions of `stage` left unanswered, as (form field, French message) pairs."""
    if questions is None or answers is None:
        questions, answers = questions_and_answers(application, [stage])
    problems = []
    for question in questions:
        if question.stage != stage or not question.required:
            continue
        answer = answers.get(question.pk)
        if answer is None or not _answered(question, answer):
            problems.append(
                (
                    question.field_name,
                    _("Répondez à la question « %(label)s » (action %(n)s).")
                    % {"label": question.label, "n": question.action.number},
                )
            )
    return problems


def _answered(question: Question, answer: Answer) -> bool:
    if question.kind == Question.Kind.FILE:
        return answer.document_id is not None
    return bool(answer.value.strip())


def snapshot_answers(application: Application, stages) -> list[dict]:
    """The answers as the snapshot freezes them: the question's wording at that moment (both
    languages) beside the value; a file answer names its document (listed in "documents")."""
    answers = answers_of(application)
    frozen = []
    for question in questions_for(application, stages):
        answer = answers.get(question.pk)
        value = answer.value if answer else ""
        document = answer.document if answer and question.kind == Question.Kind.FILE else None
        frozen.append(
            {
                "question_id": question.pk,
                "action": question.action.number,
                "stage": question.stage,
                "kind": question.kind,
                "label": question.label_fr,
                "label_en": question.label_en,
                "required": question.required,
                "value": value,
                "display": document.original_name if document else _display_fr(question, value),
                "document_id": document.pk if document else None,
            }
        )
    return frozen


def _display_fr(question: Question, value: str) -> str:
    with translation.override("fr"):
        return question.display(value)


def questions_for_admin(action=None) -> QuerySet[Question]:
    """Every question (active or not) with its action and how many applications answered it."""
    questions = Question.objects.select_related("action").annotate(answer_count=Count("answers"))
    if action is not None:
        questions = questions.filter(action=action)
    return questions.order_by("action__number", "stage", "order", "id")


def export_questions(stages=("letter", "dossier")) -> list[Question]:
    """The questions an export gives a column each: every question of `stages` ever asked
    (a deactivated one keeps its column for the answers given before)."""
    return list(
        Question.objects.filter(stage__in=stages)
        .select_related("action")
        .order_by("action__number", "-stage", "order", "id")
    )


def prefetch_answers(applications: QuerySet[Application]) -> QuerySet[Application]:
    """`applications` with their answers, one query per chunk of an `iterator(chunk_size=…)`."""
    return applications.prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("document"))
    )


def export_cells(application: Application, questions: list[Question]) -> list[str]:
    """One cell per question of `questions`, from the prefetched answers."""
    answers = {a.question_id: a for a in application.answers.all()}
    cells = []
    for question in questions:
        answer = answers.get(question.pk)
        if answer is None:
            cells.append("")
        elif question.kind == Question.Kind.FILE:
            cells.append(answer.document.original_name if answer.document else "")
        else:
            cells.append(question.display(answer.value))
    return cells


def export_headers(questions: list[Question]) -> list[str]:
    return [
        _("Action %(n)s — %(stage)s — %(label)s")
        % {"n": q.action.number, "stage": q.get_stage_display(), "label": q.label}
        for q in questions
    ]
