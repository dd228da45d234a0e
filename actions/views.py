from django.shortcuts import get_object_or_404, render

from actions.models import Action


def action_detail(request, number: int):
    action = get_object_or_404(Action.objects.prefetch_related("components"), number=number, is_active=True)
    # The waves open to this action, through the relation the waves declare (actions know
    # nothing of waves: the dependency goes from waves to actions).
    waves = action.waves.select_related("call").order_by("opens_at")
    return render(
        request, "actions/detail.html", {"action": action, "waves": waves, "title": action.short_title}
    )
