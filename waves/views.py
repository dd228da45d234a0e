from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from waves.models import Call
from waves.selectors import calendar_waves


def calendar_page(request):
    now = timezone.now()
    waves = list(calendar_waves())
    rows = [{"wave": w, "status": w.status(now), "closes_at": w.effective_closes_at()} for w in waves]
    return render(
        request,
        "waves/calendar.html",
        {"rows": rows, "call": Call.current(), "title": _("Calendrier de l'appel")},
    )
