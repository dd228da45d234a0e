"""Template filters over `cma_portal.formats`: `{{ amount|euros }}`, `{{ n|number }}`,
`{{ when|date_fr }}` (long date in the current language), `{{ when|datetime_fr }}`, and the
punctuation that French spaces and English does not: `{% colon %}`, `{% semicolon %}`."""

from decimal import Decimal

from django import template
from django.utils.translation import pgettext

from cma_portal import formats

register = template.Library()


@register.filter
def euros(value, decimals=None):
    return formats.euros(value, None if decimals in (None, "") else int(decimals))


@register.filter
def number(value, decimals=None):
    return formats.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def cell(value):
    """A table cell: numbers grouped for the reader, None empty, anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return formats.number(value)


@register.filter
def date_fr(value, fmt="DATE_FORMAT"):
    return formats.date_text(value, fmt)


@register.filter
def datetime_fr(value):
    return formats.datetime_text(value)


@register.simple_tag
def colon():
    """The colon between a label and its value: " :" in French, ":" in English."""
    return pgettext("typography", " :")


@register.simple_tag
def semicolon():
    """The semicolon between the items of an inline list: " ; " in French, "; " in English."""
    return pgettext("typography", " ; ")
