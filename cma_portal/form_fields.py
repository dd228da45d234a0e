"""Form fields that keep hostile numbers away from the database (issue 10, point 6).

Django's `ModelMultipleChoiceField` looks the chosen keys up with `pk__in=[...]`; on SQLite a key
past 64 bits ("99999999999999999999") raised `OverflowError` inside that query, a 500. Keys are
now checked against the range the database holds for the key's column before any query, and
refused with Django's own (French) "not a valid value" message.

Formsets: `bounded_formset_kwargs` caps how many forms a POST may ask for. Django builds up to
`absolute_max` forms whatever `TOTAL_FORMS` says (2,000 by default): one post with
`TOTAL_FORMS=2147483648` kept a worker busy rendering two thousand rows for a minute.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, models

INTEGER_KEY_FIELDS = (models.IntegerField, models.AutoField)


def _key_field(queryset, to_field_name):
    model = queryset.model
    return model._meta.get_field(to_field_name) if to_field_name else model._meta.pk


def integer_key_or_none(field: models.Field, value) -> int | None:
    """`value` as an integer the column of `field` can hold, or None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A `ModelMultipleChoiceField` whose integer keys are range-checked before the query."""

    def _check_values(self, value):
        field = _key_field(self.queryset, self.to_field_name)
        if isinstance(field, INTEGER_KEY_FIELDS):
            try:
                values = frozenset(value)
            except TypeError:
                raise ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
            for item in values:
                if integer_key_or_none(field, item) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                    )
        return super()._check_values(value)


def bounded_formset_kwargs(max_forms: int) -> dict:
    """`formset_factory` / `modelformset_factory` arguments that refuse more than `max_forms`
    forms, and never build more than that many whatever the POST claims."""
    return {"max_num": max_forms, "absolute_max": max_forms, "validate_max": True}
