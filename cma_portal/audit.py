"""Writing the audit trail. Every service that changes state calls `audit_record`."""

from django.db import models

from cma_portal.models import AuditEvent


def audit_record(
    *,
    actor,
    verb: str,
    obj: models.Model,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


def audit_events_for(obj: models.Model):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )
