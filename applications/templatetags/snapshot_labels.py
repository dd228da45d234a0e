"""Labels of a frozen submission (snapshot) in the visitor's language.

A snapshot keeps the French labels of the moment it was frozen (the receipt PDF is French); the
receipt page shows the same codes with today's labels in the page's language instead."""

from django import template
from django.utils.translation import get_language

from actions.models import Action, ActionComponent
from applications.models import Document, Organisation

register = template.Library()


@register.filter
def document_kind(document: dict) -> str:
    try:
        return str(Document.Kind(document.get("kind")).label)
    except ValueError:
        return document.get("kind_label", "")


@register.filter
def organisation_kind(organisation: dict) -> str:
    try:
        return str(Organisation.Kind(organisation.get("kind")).label)
    except ValueError:
        return organisation.get("kind_label", "")


@register.filter
def action_title(action: dict) -> str:
    found = Action.objects.filter(number=action.get("number")).first()
    return found.title if found is not None else action.get("title", "")


@register.filter
def component_title(component: dict) -> str:
    found = ActionComponent.objects.filter(code=component.get("code")).first()
    return found.title if found is not None else component.get("title", "")


@register.filter
def answer_label(answer: dict) -> str:
    """A frozen question's wording in the page's language (English when it was given)."""
    if (get_language() or "fr").startswith("en") and answer.get("label_en"):
        return answer["label_en"]
    return answer.get("label", "")
