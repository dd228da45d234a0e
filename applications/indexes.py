"""Indexes of `Application` for the sorts and filters of its lists (issue 11), kept apart so
that the model stays readable. The letters list shows submitted applications only (they have a
reference): its indexes are partial."""

from django.db import models

SUBMITTED = models.Q(reference__isnull=False)

LIST_INDEXES = [
    # The letters list's default order (Meta.ordering) and its sortable columns.
    models.Index(
        models.F("created_at").desc(),
        models.F("id").desc(),
        name="app_letters_created_idx",
        condition=SUBMITTED,
    ),
    models.Index(fields=["title", "id"], name="app_letters_title_idx", condition=SUBMITTED),
    models.Index(fields=["letter_submitted_at", "id"], name="app_letters_submitted_idx", condition=SUBMITTED),
    models.Index(fields=["dossier_deadline", "id"], name="app_letters_deadline_idx", condition=SUBMITTED),
    # The applicant's dashboard: their applications, last updated first.
    models.Index(fields=["owner", "-updated_at", "-id"], name="app_owner_updated_idx"),
]
