"""The editable public pages (accessibility statement, legal notice)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cma_portal.models import SitePage
from pilotage import selectors, services
from pilotage.forms import SitePageForm
from pilotage.views.access import capability_required


@capability_required("manage_users")
def page_list(request):
    return render(
        request, "pilotage/page_list.html", {"title": _("Pages éditables"), "pages": selectors.site_pages()}
    )


@capability_required("manage_users")
@require_http_methods(["GET", "POST"])
def page_edit(request, slug):
    page = get_object_or_404(SitePage, slug=slug)
    form = SitePageForm(
        request.POST if request.method == "POST" else None,
        initial={
            "title_fr": page.title_fr,
            "title_en": page.title_en,
            "body_fr": page.body_fr,
            "body_en": page.body_en,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.site_page_update(page=page, actor=request.user, **form.cleaned_data)
        messages.success(request, _("La page est enregistrée."))
        return redirect("pilotage:pages")
    return render(
        request,
        "pilotage/page_form.html",
        {"title": _("Modifier « %(title)s »") % {"title": page.title_fr}, "form": form, "page": page},
    )
