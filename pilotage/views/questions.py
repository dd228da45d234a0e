"""Questions per action (issue 15): the list, a new question, a question's edit page and its
activation. Administrators only (`manage_questions`); writes through
`applications.services.questions`."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applications.models import Question
from applications.selectors.questions import questions_for_admin
from applications.services import questions as services
from cma_portal.pagination import paginate
from pilotage.forms_questions import QuestionFilterForm, QuestionForm, question_initial
from pilotage.views.access import capability_required


def _fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.QUESTION_FIELDS}


@capability_required("manage_questions")
def question_list(request):
    filters = QuestionFilterForm(request.GET or None)
    action = filters.cleaned_data.get("action") if filters.is_valid() else None
    page = paginate(request, questions_for_admin(action))
    return render(
        request,
        "pilotage/question_list.html",
        {"title": _("Questions par action"), "page_obj": page, "filters": filters},
    )


@capability_required("manage_questions")
@require_http_methods(["GET", "POST"])
def question_create(request):
    initial = {"action": request.GET.get("action")} if request.GET.get("action", "").isdigit() else {}
    form = QuestionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        question = services.question_create(actor=request.user, **_fields(form))
        messages.success(
            request,
            _("La question « %(label)s » est ajoutée à l'action %(n)s.")
            % {"label": question.label, "n": question.action.number},
        )
        return redirect("pilotage:questions")
    return render(
        request,
        "pilotage/question_form.html",
        {"title": _("Nouvelle question"), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@capability_required("manage_questions")
@require_http_methods(["GET", "POST"])
def question_edit(request, pk):
    question = get_object_or_404(Question.objects.select_related("action"), pk=pk)
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        initial=question_initial(question),
        question=question,
    )
    if request.method == "POST" and form.is_valid():
        services.question_update(question=question, actor=request.user, **_fields(form))
        messages.success(request, _("La question est enregistrée."))
        return redirect("pilotage:questions")
    return render(
        request,
        "pilotage/question_form.html",
        {"title": _("Modifier la question"), "form": form, "question": question},
        status=400 if request.method == "POST" else 200,
    )


@capability_required("manage_questions")
@require_POST
def question_set_active(request, pk):
    question = get_object_or_404(Question, pk=pk)
    active = request.POST.get("active") == "1"
    services.question_set_active(question=question, active=active, actor=request.user)
    messages.success(
        request,
        _("La question est de nouveau posée.") if active else _("La question n'est plus posée."),
    )
    return redirect("pilotage:questions")
