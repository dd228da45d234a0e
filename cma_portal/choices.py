"""Model choice fields filled from objects the view has already loaded.

A `ModelChoiceField` queries its queryset each time it renders; a page that shows the same waves
in two forms (the filter and an action form) would read them twice. The choices are listed from
objects loaded once, with no query; validation still goes through the queryset."""

from collections.abc import Iterable

from django import forms
from django.forms.models import ModelChoiceIterator


class _Preloaded(ModelChoiceIterator):
    objects: list = []

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.objects:
            yield self.choice(obj)

    def __len__(self):
        return len(self.objects) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.objects)


def preload_choices(field: forms.ModelChoiceField, objects: Iterable) -> None:
    field.iterator = type("PreloadedChoices", (_Preloaded,), {"objects": list(objects)})
    field.widget.choices = field.choices
