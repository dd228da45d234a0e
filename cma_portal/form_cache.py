"""Filter forms rendered once and reused: a list's filter form (a dozen fields, hundreds of
options, each through the DSFR field templates) cost more to render than the list's rows. Its
HTML depends only on the language, the values chosen and the options offered, so it is cached
under a key made of those; a form with errors is rendered afresh."""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

TIMEOUT = 300


def cached_form_html(form, template_name: str, *, options) -> str:
    """`form` rendered with `template_name` (context: `form`). `options` describes the choices
    the view loaded for it (e.g. wave ids and labels): a change of them is a new key."""
    if form.is_bound and form.errors:
        return mark_safe(render_to_string(template_name, {"form": form}))  # noqa: S308 — template output
    data = form.data if form.is_bound else {}
    values = sorted((name, tuple(data.getlist(name))) for name in form.fields if name in data)
    signature = repr((template_name, get_language(), values, options)).encode()
    key = "form-html:" + hashlib.sha256(signature).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string(template_name, {"form": form})
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)  # noqa: S308 — rendered by our templates, escaped there
