"""Freezing what was submitted: a JSON snapshot of every field and document.

The snapshot is the source of truth for receipts, PDF dossiers and exports of a submission:
later edits of the application never change it. Its SHA-256 fingerprint is computed over the
canonical JSON (sorted keys, no whitespace), so it can be recomputed and checked.

Schema (version 1):
{
  "schema": 1, "kind": "letter" | "dossier", "reference": str, "submitted_at": ISO-8601,
  "submitted_by": {"id", "email", "name"},
  "wave": {"id", "name"}, "call": {"name", "max_aid_rate", "letter_page_limit", ...},
  "actions": [{"number", "title"}], "components": [{"code", "title"}],
  "lead_organisation": {"id", "name", "kind", "kind_label", "siret", "uai", "region", "region_label", "address"},
  "application": {"title", "acronym", "summary", "estimated_total_cost", "estimated_aid_requested",
                  "planned_duration_months", "people_trained_per_year", "audience",
                  "dossier_deadline"},
  "partners": [{"organisation": {...}, "role", "role_label", "contribution",
                "commitment_document_id"}],
  "budget": {"lines": [{"year", "category", "category_label", "eligible_cost", "aid_requested",
                        "co_financing", "co_financing_source"}],
             "totals": {"eligible_cost", "aid_requested", "co_financing", "aid_rate"}},
  "training_targets": [{"audience", "audience_label", "year", "people_trained", "hours"}],
  "milestones": [{"title", "due_month", "deliverable"}],
  "documents": [{"id", "kind", "kind_label", "label", "original_name", "size", "page_count",
                 "sha256", "content_type"}],
  "answers": [{"question_id", "action", "stage", "kind", "label", "label_en", "required",
               "value", "display", "document_id"}]
}
"answers" (issue 15) holds the questions per action of the actions answered, active when
frozen: the letter's for a letter, the letter's and the dossier's for a dossier; a file answer's
document is in "documents". Snapshots frozen before it have no "answers" key.
Decimals are strings ("1234.50"), instants ISO-8601 with offset.
"""

import hashlib
import json
from decimal import Decimal

from django.db.models import Sum

from applications.models import Application, Document, Submission
from applications.selectors.questions import snapshot_answers


def _money(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _organisation(org) -> dict | None:
    if org is None:
        return None
    return {
        "id": org.pk,
        "name": org.name,
        "kind": org.kind,
        "kind_label": str(org.get_kind_display()),
        "siret": org.siret,
        "uai": org.uai,
        "region": org.region,
        "region_label": org.get_region_display() if org.region else "",
        "address": org.address,
    }


def current_documents(application: Application):
    return application.documents.filter(is_current=True, message__isnull=True).order_by(
        "kind", "uploaded_at", "id"
    )


def budget_totals(application: Application, lines=None) -> dict:
    """Totals of the budget; from `lines` when the caller has them loaded (no query)."""
    if lines is not None:
        sums = {
            field: sum((getattr(line, field) or Decimal("0") for line in lines), Decimal("0"))
            if lines
            else None
            for field in ("eligible_cost", "aid_requested", "co_financing")
        }
    else:
        sums = application.budget_lines.aggregate(
            eligible_cost=Sum("eligible_cost"),
            aid_requested=Sum("aid_requested"),
            co_financing=Sum("co_financing"),
        )
    eligible = sums["eligible_cost"] or Decimal("0")
    aid = sums["aid_requested"] or Decimal("0")
    rate = (aid / eligible * 100).quantize(Decimal("0.01")) if eligible else Decimal("0")
    return {
        "eligible_cost": _money(eligible),
        "aid_requested": _money(aid),
        "co_financing": _money(sums["co_financing"] or Decimal("0")),
        "aid_rate": f"{rate}",
    }


def build_snapshot(
    application: Application, *, kind: str, reference: str, submitted_at, submitted_by
) -> dict:
    call = application.wave.call
    stages = ["letter"] if kind == Submission.Kind.LETTER else ["letter", "dossier"]
    answers = snapshot_answers(application, stages)
    answer_documents = {a["document_id"] for a in answers if a["document_id"]}
    documents = [
        d
        for d in current_documents(application)
        if (d.pk in answer_documents if d.kind == Document.Kind.ANSWER else True)
    ]
    if kind == Submission.Kind.LETTER:
        documents = [d for d in documents if d.kind in (Document.Kind.LETTER, Document.Kind.ANSWER)]
    commitment = {d.partner_id: d.pk for d in documents if d.kind == Document.Kind.COMMITMENT}
    return {
        "schema": 1,
        "kind": kind,
        "reference": reference,
        "submitted_at": submitted_at.isoformat(),
        "submitted_by": {
            "id": submitted_by.pk,
            "email": submitted_by.email,
            "name": submitted_by.get_full_name() or submitted_by.email,
        },
        "wave": {"id": application.wave_id, "name": application.wave.name_fr},
        "call": {
            "name": call.name_fr,
            "max_aid_rate": str(call.max_aid_rate),
            "letter_page_limit": call.letter_page_limit,
            "dossier_page_limit": call.dossier_page_limit,
            "max_duration_months": call.max_duration_months,
        },
        "actions": [
            {"number": a.number, "title": a.title_fr} for a in application.actions.order_by("number")
        ],
        "components": [
            {"code": c.code, "title": c.title_fr} for c in application.components.order_by("code")
        ],
        "lead_organisation": _organisation(application.lead_organisation),
        "application": {
            "title": application.title,
            "acronym": application.acronym,
            "summary": application.summary,
            "estimated_total_cost": _money(application.estimated_total_cost),
            "estimated_aid_requested": _money(application.estimated_aid_requested),
            "planned_duration_months": application.planned_duration_months,
            "people_trained_per_year": application.people_trained_per_year,
            "audience": application.audience,
            "dossier_deadline": application.dossier_deadline.isoformat()
            if application.dossier_deadline
            else None,
        },
        "partners": [
            {
                "organisation": _organisation(p.organisation),
                "role": p.role,
                "role_label": str(p.get_role_display()),
                "contribution": p.contribution,
                "commitment_document_id": commitment.get(p.pk),
            }
            for p in application.partners.select_related("organisation")
        ],
        "budget": {
            "lines": [
                {
                    "year": line.year,
                    "category": line.category,
                    "category_label": str(line.get_category_display()),
                    "eligible_cost": _money(line.eligible_cost),
                    "aid_requested": _money(line.aid_requested),
                    "co_financing": _money(line.co_financing),
                    "co_financing_source": line.co_financing_source,
                }
                for line in application.budget_lines.all()
            ],
            "totals": budget_totals(application),
        },
        "training_targets": [
            {
                "audience": t.audience,
                "audience_label": str(t.get_audience_display()),
                "year": t.year,
                "people_trained": t.people_trained,
                "hours": t.hours,
            }
            for t in application.training_targets.all()
        ],
        "milestones": [
            {"title": m.title, "due_month": m.due_month, "deliverable": m.deliverable}
            for m in application.milestones.all()
        ],
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "kind_label": str(d.get_kind_display()),
                "label": d.label,
                "original_name": d.original_name,
                "size": d.size,
                "page_count": d.page_count,
                "sha256": d.sha256,
                "content_type": d.content_type,
            }
            for d in documents
        ],
        "answers": answers,
    }


def fingerprint(snapshot: dict) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def freeze_submission(application: Application, *, kind: str, submitted_by, submitted_at) -> Submission:
    """Create the Submission for `application` (call inside the submitting transaction, after
    the reference is set). The PDF is rendered later by a task, scheduled on commit."""
    snapshot = build_snapshot(
        application,
        kind=kind,
        reference=application.reference,
        submitted_at=submitted_at,
        submitted_by=submitted_by,
    )
    submission = Submission.objects.create(
        application=application,
        kind=kind,
        submitted_at=submitted_at,
        submitted_by=submitted_by,
        snapshot=snapshot,
        fingerprint=fingerprint(snapshot),
    )
    submission.documents.set([d["id"] for d in snapshot["documents"]])
    return submission
