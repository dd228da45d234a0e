"""Grids and reviewer profiles: who reviews which actions, and the scoring grids."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cma_portal.audit import audit_record
from reviews.errors import ReviewError
from reviews.models import Criterion, Grid, ReviewerProfile


@transaction.atomic
def reviewer_set_actions(*, user, actions: Iterable, actor) -> ReviewerProfile:
    """Set the actions `user` reviews (used by automatic assignment). Creates the profile if
    needed. Does not grant the reviewer role: `cma_portal.roles.grant_role` does.

    Side effects: an AuditEvent "reviewer_actions".
    """
    profile, _created = ReviewerProfile.objects.get_or_create(user=user)
    actions = list(actions)
    profile.actions.set(actions)
    profile.updated_at = timezone.now()
    profile.save(update_fields=["updated_at"])
    audit_record(
        actor=actor, verb="reviewer_actions", obj=profile, data={"actions": sorted(a.number for a in actions)}
    )
    return profile


def _write_criteria(grid: Grid, criteria: list[dict]) -> None:
    grid.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(
            grid=grid,
            order=item.get("order") or index,
            label=item["label"],
            guidance=item.get("guidance", ""),
            label_en=item.get("label_en", ""),
            guidance_en=item.get("guidance_en", ""),
            weight=Decimal(item["weight"]),
            scale_max=int(item["scale_max"]),
        )
        for index, item in enumerate(criteria, start=1)
    )


@transaction.atomic
def grid_create(*, action, title: str, criteria: list[dict], actor) -> Grid:
    """A new grid for `action` (None: the default grid). If one exists it becomes an older
    version and the new one is current. Side effects: an AuditEvent "grid_created"."""
    if not criteria:
        raise ReviewError(_("Une grille doit comporter au moins un critère."))
    previous = Grid.objects.select_for_update().filter(action=action).order_by("-version").first()
    version = (previous.version + 1) if previous else 1
    Grid.objects.filter(action=action, is_current=True).update(is_current=False)
    grid = Grid.objects.create(action=action, version=version, title=title, is_current=True, created_by=actor)
    _write_criteria(grid, criteria)
    audit_record(actor=actor, verb="grid_created", obj=grid, data={"version": version})
    return grid


@transaction.atomic
def grid_update(*, grid: Grid, title: str, criteria: list[dict], actor) -> Grid:
    """Change a grid. A grid already used by a review is never changed: a new version is made
    and becomes current (reviews keep the version they were scored with). Returns the grid
    that now holds the edit. Side effects: an AuditEvent "grid_updated" or "grid_created"."""
    if not criteria:
        raise ReviewError(_("Une grille doit comporter au moins un critère."))
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    if not grid.is_current:
        raise ReviewError(_("Seule la version en vigueur d'une grille peut être modifiée."))
    if grid.reviews.exists():
        return grid_create(action=grid.action, title=title, criteria=criteria, actor=actor)
    grid.title = title
    grid.save(update_fields=["title"])
    _write_criteria(grid, criteria)
    audit_record(actor=actor, verb="grid_updated", obj=grid, data={"version": grid.version})
    return grid
