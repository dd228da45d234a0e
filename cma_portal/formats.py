"""Numbers, amounts and dates as readers of the current language expect them.

One place on top of Django's localisation (`django.utils.formats`): French gets
"1 234 567,50 €" and "1 décembre 2026", English "1,234,567.50 €" and "1 December 2026".
Pages use the template filters of `cma_portal.templatetags.cma_formats`; exports use
`plain_number` (a dot, no grouping, no trailing zeros) so spreadsheets read them as numbers.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, timezone

EMPTY = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def number(value, decimals: int | None = None) -> str:
    """`value` grouped by thousands in the current language; `decimals` None keeps up to two
    decimals and drops them when the number is whole."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    if decimals is None:
        exponent = amount.normalize().as_tuple().exponent
        decimals = 0 if amount == amount.to_integral_value() else min(2, -int(exponent))
    # Django's number_format cuts extra decimals: round first (15.527 → 15,53).
    amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return formats.number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def euros(value, decimals: int | None = None) -> str:
    """An amount in euros: "700 000 000 €", "1 234,50 €" (cents shown only when there are some)."""
    amount = _decimal(value)
    if decimals is None and amount is not None:
        decimals = 0 if amount == amount.to_integral_value() else 2
    text = number(amount, decimals)
    return text if text == EMPTY else f"{text}\u00a0€"


def date_text(value, fmt: str = "DATE_FORMAT") -> str:
    """A date (or an aware datetime, shown in Paris time) in the current language's long form."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    elif not isinstance(value, date):
        return str(value)
    return formats.date_format(value, fmt)


def datetime_text(value) -> str:
    return date_text(value, "DATETIME_FORMAT")


def plain_number(value):
    """A number for CSV/JSON exports: "14.8" for Decimal("14.8000000000000"), "" for None."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if amount == amount.to_integral_value():
        return str(amount.quantize(Decimal(1)))
    return format(amount.normalize(), "f")


def spreadsheet_number(value):
    """A float (or int) for an XLSX cell, None when empty."""
    amount = _decimal(value)
    if amount is None:
        return None
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)


class Amount(Decimal):
    """A Decimal that is an amount in euros: XLSX exports give its cell the euro format."""


# Number format for amounts in XLSX cells: grouped, two decimals, euro sign after.
XLSX_EUROS = '#,##0.00\\ "€"'
XLSX_NUMBER = "#,##0.##"
