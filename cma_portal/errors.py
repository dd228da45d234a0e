"""Error pages (400, 403, 404, 500) in the portal's look, in the reader's language, each with a
way forward. The 500 page is rendered from a plain dict — no request context, no context
processor — so that it still shows when the database is what failed."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.functional import Promise


def _contact() -> str:
    return getattr(settings, "CONTACT_EMAIL", "")


def _render(request, status: int, **context):
    return render(request, f"errors/{status}.html", {"contact_email": _contact(), **context}, status=status)


def bad_request(request, exception=None):
    return _render(request, 400)


def permission_denied(request, exception=None):
    # Only a reason we wrote ourselves (a translatable message) is shown to the reader.
    reason = exception.args[0] if exception is not None and exception.args else ""
    return _render(request, 403, reason=reason if isinstance(reason, Promise | str) else "")


def page_not_found(request, exception=None):
    return _render(request, 404, path=request.path)


def server_error(request):
    template = loader.get_template("errors/500.html")
    return HttpResponseServerError(template.render({"contact_email": _contact()}))
