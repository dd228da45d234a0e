"""The form of a question per action (steering pages): forms validate, services act."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from actions.models import Action
from applications.models import Question

MAX_CHOICES = 30


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionForm(DsfrBaseForm):
    action = forms.ModelChoiceField(label=_("Action"), queryset=Action.objects.all(), empty_label=None)
    stage = forms.ChoiceField(label=_("Étape"), choices=Question.Stage.choices, widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Type de réponse"), choices=Question.Kind.choices)
    label_fr = forms.CharField(label=_("Question (français)"), max_length=255)
    label_en = forms.CharField(
        label=_("Question (anglais)"),
        max_length=255,
        required=False,
        help_text=_("Vide : la question française est montrée aux lecteur·rices en anglais."),
    )
    help_fr = forms.CharField(
        label=_("Aide (français)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    help_en = forms.CharField(
        label=_("Aide (anglais)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    choices_fr = forms.CharField(
        label=_("Choix proposés (français)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pour une question à choix : un choix par ligne."),
    )
    choices_en = forms.CharField(
        label=_("Choix proposés (anglais)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Dans le même ordre que les choix français, un par ligne."),
    )
    required = forms.BooleanField(label=_("Réponse nécessaire pour déposer"), required=False, initial=True)
    order = forms.IntegerField(label=_("Ordre d'affichage"), min_value=0, max_value=32767, initial=0)

    def __init__(self, *args, question: Question | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].label_from_instance = lambda a: f"{a.number}. {a.short_title}"
        if question is not None and question.answers.exists():
            # Answers were given in this type: changing it would make them meaningless.
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("Des réponses existent : le type ne peut plus changer.")

    def clean(self):
        data = super().clean()
        french, english = _lines(data.get("choices_fr")), _lines(data.get("choices_en"))
        if data.get("kind") == Question.Kind.CHOICE:
            if len(french) < 2:
                self.add_error("choices_fr", _("Une question à choix propose au moins deux choix."))
            elif len(french) > MAX_CHOICES:
                self.add_error("choices_fr", _("Au plus %(n)s choix.") % {"n": MAX_CHOICES})
            elif len(set(french)) != len(french):
                self.add_error("choices_fr", _("Deux choix sont identiques."))
            if english and len(english) != len(french):
                self.add_error(
                    "choices_en",
                    _("Donnez autant de choix en anglais qu'en français (%(n)s), ou aucun.")
                    % {"n": len(french)},
                )
        data["choices_fr"] = "\n".join(french)
        data["choices_en"] = "\n".join(english)
        return data


class QuestionFilterForm(forms.Form):
    action = forms.ModelChoiceField(
        label=_("Action"),
        queryset=Action.objects.all(),
        required=False,
        empty_label=_("Toutes les actions"),
        widget=forms.Select(attrs={"class": "fr-select"}),
    )


def question_initial(question: Question) -> dict:
    return {name: getattr(question, name) for name in QuestionForm.base_fields if name != "action"} | {
        "action": question.action_id
    }
