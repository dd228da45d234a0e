from django.shortcuts import get_object_or_404, render

from actions.models import Action
from waves.selectors import calendar_waves


def action_detail(request, number: int):
    action = get_object_or_404(Action.objects.prefetch_related("components"), number=number, is_active=True)
    waves = [w for w in calendar_waves() if action in w.actions.all()]
    return render(
        request, "actions/detail.html", {"action": action, "waves": waves, "title": action.short_title}
    )
