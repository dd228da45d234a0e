"""Moving a letter-of-intent draft to another wave that accepts letters (a draft left in a
closed wave is otherwise a dead end: the rolling wave may still be open)."""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.states import State
from cma_portal.audit import audit_record
from waves.models import Wave
from waves.selectors import waves_open_at


class WaveMoveError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def waves_accepting(application: Application, at: datetime | None = None) -> list[Wave]:
    """Waves that accept letters now, other than the draft's own."""
    if application.state != State.LI_DRAFT:
        return []
    return [wave for wave in waves_open_at(at) if wave.pk != application.wave_id]


def deadline_passed(application: Application, at: datetime | None = None) -> bool:
    """Whether the draft's wave no longer accepts letters (closed, call over, envelope spent)."""
    return application.state == State.LI_DRAFT and not application.wave.accepts_letters(at or timezone.now())


@transaction.atomic
def letter_move_wave(
    *, application: Application, wave: Wave, actor, at: datetime | None = None
) -> Application:
    """Move the draft `application` to `wave`, which must accept letters at `at`.

    Side effects: the application's version bumps (an open letter form then reports a
    conflict instead of saving to the old wave); an AuditEvent "wave_changed" with both waves.
    """
    at = at or timezone.now()
    locked = Application.objects.select_for_update().select_related("wave").get(pk=application.pk)
    if locked.state != State.LI_DRAFT:
        raise WaveMoveError(_("Seul un brouillon de lettre d'intention peut changer de vague."))
    if wave.pk == locked.wave_id:
        raise WaveMoveError(_("La lettre d'intention est déjà dans cette vague."))
    if not wave.accepts_letters(at):
        raise WaveMoveError(
            _("La vague « %(wave)s » n'accepte pas de lettre d'intention en ce moment.") % {"wave": wave.name}
        )
    previous = locked.wave
    Application.objects.filter(pk=locked.pk).update(wave=wave, version=F("version") + 1, updated_at=at)
    locked.refresh_from_db()
    audit_record(
        actor=actor,
        verb="wave_changed",
        obj=locked,
        data={"from": previous.name, "to": wave.name, "from_id": previous.pk, "to_id": wave.pk},
    )
    return locked
