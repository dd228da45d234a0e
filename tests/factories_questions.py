"""Questions per action for the datasets of the role matrix and the accessibility run."""

from actions.models import Action


def answered_question(application, *, number=3, stage="dossier", value="Réponse de la porteuse."):
    """A required question of action `number` at `stage`, answered by `application`."""
    from applications.models import Answer
    from applications.services.questions import question_create

    question = question_create(
        actor=None,
        action=Action.objects.get(number=number),
        stage=stage,
        kind="long_text",
        label_fr="Quels débouchés dans le secteur de la santé ?",
        label_en="Which careers in the health sector?",
        help_fr="",
        help_en="",
        choices_fr="",
        choices_en="",
        required=True,
        order=0,
    )
    Answer.objects.create(application=application, question=question, value=value)
    return question
