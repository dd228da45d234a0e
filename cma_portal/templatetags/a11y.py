"""Accessibility helpers for templates: the one error summary every form page shows.

`{% error_summary %}` (in base.html and the account layouts) looks through the page's context for
bound forms and formsets that failed validation and renders includes/error_summary.html: a DSFR
error alert, focused by static/js/error-summary.js, whose items link to the field in error
(`#id_<field>`). A page may pass `problems` (pairs of field name and message, like the letter
form's "what is missing to submit" list) and the `forms` they refer to.
"""

from django import forms as django_forms
from django import template
from django.forms.formsets import BaseFormSet
from django.forms.widgets import CheckboxSelectMultiple, RadioSelect
from django.utils.translation import gettext as _

register = template.Library()


def field_anchor(bound_field) -> str:
    """The id that the summary links to: the input itself, or a group's first option."""
    widget = bound_field.field.widget
    auto_id = bound_field.auto_id
    if not auto_id:
        return ""
    if isinstance(widget, (RadioSelect, CheckboxSelectMultiple)):
        return f"{auto_id}_0"
    return auto_id


def field_label(bound_field) -> str:
    """The field's label as the page shows it. allauth's address fields are labelled
    "Adresse électronique" by templates/allauth/elements/fields.html (Django's own catalogue
    turns allauth's "Email" into "Courriel"): the summary names them the same way."""
    form_module = type(bound_field.form).__module__
    if form_module.startswith("allauth.") and getattr(bound_field.field.widget, "input_type", "") == "email":
        return _("Adresse électronique")
    return getattr(bound_field.field, "plain_label", bound_field.label)


def _form_items(form) -> list[dict]:
    items = []
    anchor_default = ""
    for name in form.fields:
        bound = form[name]
        if not bound.is_hidden:
            anchor_default = field_anchor(bound)
            break
    for error in form.non_field_errors():
        items.append({"anchor": anchor_default, "message": error, "label": ""})
    for name, errors in form.errors.items():
        if name == django_forms.forms.NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        anchor = field_anchor(bound) if not bound.is_hidden else anchor_default
        for error in errors:
            items.append(
                {
                    "anchor": anchor,
                    "message": error,
                    "label": field_label(bound),
                }
            )
    return items


def _collect(value, seen: set, out: list) -> None:
    if id(value) in seen:
        return
    if isinstance(value, BaseFormSet):
        seen.add(id(value))
        if not value.is_bound:
            return
        first = next(iter(value.forms), None)
        anchor = ""
        if first is not None:
            for name in first.fields:
                if not first[name].is_hidden:
                    anchor = field_anchor(first[name])
                    break
        for error in value.non_form_errors():
            out.append({"anchor": anchor, "message": error, "label": ""})
        for form in value.forms:
            seen.add(id(form))
            if form.is_bound and form.errors:
                out.extend(_form_items(form))
    elif isinstance(value, django_forms.BaseForm):
        seen.add(id(value))
        if value.is_bound and value.errors:
            out.extend(_form_items(value))
    elif isinstance(value, dict):
        for item in value.values():
            if isinstance(item, (BaseFormSet, django_forms.BaseForm)):
                _collect(item, seen, out)


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context, problems=None, form=None, title=""):
    """Every error of the page's bound forms (and the `problems` given), once, in page order of
    discovery: problems first (they name what blocks the submission), then the forms."""
    items: list[dict] = []
    seen_messages: set[str] = set()
    if problems:
        for name, message in problems:
            anchor = ""
            if form is not None and name in form.fields:
                anchor = field_anchor(form[name])
            elif name:
                anchor = f"id_{name}"
            items.append({"anchor": anchor, "message": message, "label": ""})
            seen_messages.add(str(message))
    found: list[dict] = []
    seen: set[int] = set()
    for value in context.flatten().values():
        if isinstance(value, (BaseFormSet, django_forms.BaseForm, dict)):
            _collect(value, seen, found)
    for item in found:
        key = str(item["message"])
        if key in seen_messages:
            continue
        seen_messages.add(key)
        items.append(item)
    return {"error_items": items, "title": title}


@register.simple_tag(takes_context=True)
def aria_current(context, url: str, exact: bool = False):
    """` aria-current="page"` on the link to the page shown, ` aria-current="true"` on the link
    to the section it belongs to (unless `exact`); nothing otherwise."""
    from django.utils.safestring import mark_safe

    request = context.get("request")
    path = getattr(request, "path", "")
    if not url or not path:
        return ""
    if path == url:
        return mark_safe(' aria-current="page"')
    if not exact and path.startswith(url):
        return mark_safe(' aria-current="true"')
    return ""


@register.filter
def with_headers(row, headers):
    """(column header, cell) pairs of a table row, so that a stacked table (static/css/portal.css,
    `cma-stack`) can label each cell with its column: `{% for label, cell in row|with_headers:head %}`."""
    return list(zip(headers, row, strict=False))
