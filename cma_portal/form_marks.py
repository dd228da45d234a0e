"""Fields that a draft may leave empty but that are needed to submit (letter of intent, review
grid) are marked like required fields, before the first attempt (RGAA 11.10): the DSFR asterisk
after the label, explained by the sentence `REQUIRED_TO_SUBMIT_NOTE` shown above the form."""

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

REQUIRED_TO_SUBMIT_NOTE = _(
    "Les champs marqués d'un astérisque (*) sont nécessaires pour déposer ou transmettre."
)


def mark_required_to_submit(form, names) -> None:
    for name in names:
        field = form.fields.get(name)
        if field is None or field.required or getattr(field, "required_to_submit", False):
            continue
        field.required_to_submit = True
        field.plain_label = field.label
        field.label = format_html(
            '{}<span class="fr-required-marker" aria-hidden="true"> *</span>', field.label
        )
