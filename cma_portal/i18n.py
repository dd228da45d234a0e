"""Content stored in two languages (French source, English translation)."""

from django.utils.translation import get_language


def pick(obj, field: str) -> str:
    """The value of `<field>_en` when the active language is English and it is filled in,
    else `<field>_fr`."""
    if (get_language() or "fr").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, f"{field}_fr")
