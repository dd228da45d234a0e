import pytest
from django.utils import translation

from actions.models import Action, ActionComponent

pytestmark = pytest.mark.django_db


def test_five_actions_and_components_present_after_migrate():
    assert list(Action.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert sorted(ActionComponent.objects.values_list("code", flat=True)) == ["3a", "3b", "5a", "5b"]
    action3 = Action.objects.get(number=3)
    assert "200 à 400" in action3.target_fr and "200 to 400" in action3.target_en


def test_action_titles_follow_the_active_language():
    action = Action.objects.get(number=4)
    with translation.override("fr"):
        assert action.title.startswith("Accroître la proportion de juristes")
    with translation.override("en"):
        assert action.title.startswith("Increase the proportion of lawyers")
