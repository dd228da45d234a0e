"""Scoring grids, for administrators: the list, a new grid, a new version of a grid."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cma_portal.pagination import paginate
from reviews import selectors
from reviews.errors import ReviewError
from reviews.forms import (
    CriterionFormSet,
    GridCreateForm,
    GridForm,
)
from reviews.services import grids as grid_services
from reviews.views.staff import require_capability


@login_required
def grids(request):
    require_capability(request, "manage_grids")
    return render(
        request,
        "reviews/grids.html",
        {"title": _("Grilles d'évaluation"), "page_obj": paginate(request, selectors.grids_list())},
    )


def _criteria(formset) -> list[dict]:
    return [
        {
            "label": f.cleaned_data["label"],
            "guidance": f.cleaned_data.get("guidance", ""),
            "label_en": f.cleaned_data.get("label_en", ""),
            "guidance_en": f.cleaned_data.get("guidance_en", ""),
            "weight": f.cleaned_data["weight"],
            "scale_max": f.cleaned_data["scale_max"],
        }
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


@login_required
def grid_create(request):
    require_capability(request, "manage_grids")
    form = GridCreateForm(request.POST or None)
    formset = CriterionFormSet(request.POST or None, prefix="criteria")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        criteria = _criteria(formset)
        try:
            grid = grid_services.grid_create(
                action=form.cleaned_data["action"],
                title=form.cleaned_data["title"],
                criteria=criteria,
                actor=request.user,
            )
        except ReviewError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Grille créée."))
            return redirect("grids:detail", pk=grid.pk)
    return render(
        request,
        "reviews/grid_form.html",
        {"title": _("Nouvelle grille"), "form": form, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def grid_detail(request, pk):
    require_capability(request, "manage_grids")
    grid = selectors.grid_with_criteria(pk)
    criteria = list(grid.criteria.all())
    if request.method == "POST":
        form = GridForm(request.POST)
        formset = CriterionFormSet(request.POST, prefix="criteria")
        if form.is_valid() and formset.is_valid():
            try:
                saved = grid_services.grid_update(
                    grid=grid,
                    title=form.cleaned_data["title"],
                    criteria=_criteria(formset),
                    actor=request.user,
                )
            except ReviewError as error:
                form.add_error(None, error.message)
            else:
                if saved.pk != grid.pk:
                    messages.success(
                        request,
                        _("La grille est déjà utilisée : la version %(v)s a été créée.")
                        % {"v": saved.version},
                    )
                else:
                    messages.success(request, _("Grille enregistrée."))
                return redirect("grids:detail", pk=saved.pk)
        status = 400
    else:
        form = GridForm(initial={"title": grid.title})
        formset = CriterionFormSet(
            prefix="criteria",
            initial=[
                {
                    "label": c.label,
                    "guidance": c.guidance,
                    "label_en": c.label_en,
                    "guidance_en": c.guidance_en,
                    "weight": c.weight,
                    "scale_max": c.scale_max,
                }
                for c in criteria
            ],
        )
        status = 200
    return render(
        request,
        "reviews/grid_form.html",
        {"title": str(grid), "grid": grid, "criteria": criteria, "form": form, "formset": formset},
        status=status,
    )
