"""Public pages: home, accessibility statement, legal notice."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from actions.models import Action
from waves.models import Call
from waves.selectors import waves_open_at


def home(request):
    now = timezone.now()
    # Every open wave with its own deadline, soonest closing first (rolling procedure last).
    open_waves = []
    for wave in waves_open_at(now):
        closes_at = wave.effective_closes_at()
        open_waves.append(
            {"wave": wave, "closes_at": closes_at, "days_left": (closes_at - now).days if closes_at else None}
        )
    return render(
        request,
        "home.html",
        {
            "actions": Action.objects.filter(is_active=True),
            "call": Call.current(),
            "open_waves": open_waves,
            "now": now,
        },
    )


def _site_page(request, slug: str, fallback_template: str, fallback_title: str):
    """An administrator-editable page; the template's text until the page exists."""
    from cma_portal.models import SitePage

    page = SitePage.objects.filter(slug=slug).first()
    if page is None:
        return render(request, fallback_template, {"title": fallback_title})
    # Apostrophes are harmless in text content; escaping them would make "d'accessibilité"
    # unsearchable in the page source for no safety gain.
    heading = mark_safe(conditional_escape(page.title).replace("&#x27;", "'"))  # noqa: S308
    return render(
        request,
        "pilotage/public_page.html",
        {"title": page.title, "heading": heading, "page": page, "blocks": page.blocks()},
    )


def accessibility(request):
    return _site_page(request, "accessibilite", "pages/accessibility.html", _("Déclaration d'accessibilité"))


def legal_notice(request):
    return _site_page(request, "mentions-legales", "pages/legal_notice.html", _("Mentions légales"))
