from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _


@login_required
def dashboard(request):
    return render(request, "applications/dashboard.html", {"title": _("Mes candidatures")})
