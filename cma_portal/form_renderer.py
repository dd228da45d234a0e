"""The form renderer: django-dsfr's, with the project's templates/ searched first, so that a widget
template can be overridden there (templates/django/forms/widgets/attrs.html drops the `dsfr`
marker attribute that django-dsfr puts on checkboxes and radios, which is not valid HTML)."""

from pathlib import Path

import dsfr.forms
from django import forms
from django.conf import settings
from django.utils.functional import cached_property


class PortalFormRenderer(dsfr.forms.DsfrDjangoTemplates):
    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(settings.BASE_DIR) / "templates",
                    Path(dsfr.forms.__file__).resolve().parent / self.backend.app_dirname,
                    Path(forms.__path__[0]).resolve() / "templates",
                ],
                "NAME": "portalforms",
                "OPTIONS": {},
            }
        )
