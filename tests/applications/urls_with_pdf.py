"""The project's URLs with `applications.urls_pdf` included where `applications/urls.py` is to
include it (`<int:pk>/depots/<int:submission_id>/`), for the tests of the PDF views until — and
unchanged after — the lead wires it."""

from django.urls import URLPattern, URLResolver, include, path

import applications.urls
from cma_portal import urls as root

_included = any(
    isinstance(p, URLResolver) and getattr(p.urlconf_module, "__name__", "") == "applications.urls_pdf"
    for p in applications.urls.urlpatterns
)
_applications = [
    *([] if _included else [path("<int:pk>/depots/<int:submission_id>/", include("applications.urls_pdf"))]),
    *applications.urls.urlpatterns,
]


def _is_candidatures(p: URLPattern | URLResolver) -> bool:
    return isinstance(p, URLResolver) and str(p.pattern) == "candidatures/"


urlpatterns = [
    path("candidatures/", include((_applications, "applications"))),
    *[p for p in root.urlpatterns if not _is_candidatures(p)],
]
