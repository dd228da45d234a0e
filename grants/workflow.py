"""The life of a laureate's grant, as three declarative tables in the shape of
`applications.workflow` (rows name their guard and effects by reference).

    agreement:  in_preparation ─send_for_signature─▶ sent_for_signature ─countersign─▶ signed
                sent_for_signature ─upload_signed─▶ sent_for_signature   (the laureate's signed copy)
                signed ─start─▶ running ─close─▶ closed
                any state before closed ─terminate (reason)─▶ terminated
    report:     draft ─submit─▶ submitted ─accept─▶ accepted
                submitted ─request_correction (message)─▶ correction_requested ─submit─▶ submitted
    instalment: planned ─release─▶ released ─mark_paid (reference)─▶ paid

`grants.services.transitions.grant_transition` is the only code that applies a row. Releasing
the instalments a countersignature or an accepted report conditions is a `release` row applied
by the same service call (`grants.services.agreements.agreement_countersign`,
`grants.services.reports.report_accept`), in the same transaction.
"""

from django.utils.translation import gettext_lazy as _

from applications.workflow import EDITOR, OWNER, STAFF, SYSTEM, Transition
from grants import effects, guards
from grants.models import Agreement, Instalment, Report

A, R, P = Agreement.State, Report.State, Instalment.State

AGREEMENT_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "send_for_signature",
            (A.IN_PREPARATION,),
            A.SENT_FOR_SIGNATURE,
            frozenset({STAFF}),
            guard=guards.agreement_sendable,
            effects=(effects.email_agreement_sent,),
            label=_("Envoyer pour signature"),
        ),
        Transition(
            "upload_signed",
            (A.SENT_FOR_SIGNATURE,),
            A.SENT_FOR_SIGNATURE,
            frozenset({EDITOR}),
            effects=(effects.email_signed_copy_received,),
            label=_("Déposer la convention signée"),
        ),
        Transition(
            "countersign",
            (A.SENT_FOR_SIGNATURE,),
            A.SIGNED,
            frozenset({STAFF}),
            guard=guards.signed_copy_uploaded,
            effects=(effects.email_agreement_signed,),
            label=_("Contresigner la convention"),
        ),
        Transition(
            "start",
            (A.SIGNED,),
            A.RUNNING,
            frozenset({STAFF, SYSTEM}),
            guard=guards.start_date_reached,
            effects=(effects.email_project_started,),
            label=_("Démarrer le projet"),
        ),
        Transition(
            "close",
            (A.RUNNING,),
            A.CLOSED,
            frozenset({STAFF}),
            guard=guards.agreement_closable,
            effects=(effects.email_project_closed,),
            label=_("Clôturer le projet"),
        ),
        Transition(
            "terminate",
            (A.IN_PREPARATION, A.SENT_FOR_SIGNATURE, A.SIGNED, A.RUNNING),
            A.TERMINATED,
            frozenset({STAFF}),
            effects=(effects.email_agreement_terminated,),
            label=_("Résilier la convention"),
            requires_note=True,
        ),
    )
}

REPORT_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit",
            (R.DRAFT, R.CORRECTION_REQUESTED),
            R.SUBMITTED,
            frozenset({OWNER}),
            guard=guards.report_submittable,
            effects=(effects.email_report_submitted,),
            label=_("Déposer le rapport"),
        ),
        Transition(
            "request_correction",
            (R.SUBMITTED,),
            R.CORRECTION_REQUESTED,
            frozenset({STAFF}),
            effects=(effects.post_report_correction_message, effects.email_report_correction),
            label=_("Demander une correction"),
            requires_note=True,
        ),
        Transition(
            "accept",
            (R.SUBMITTED,),
            R.ACCEPTED,
            frozenset({STAFF}),
            effects=(effects.email_report_accepted,),
            label=_("Accepter le rapport"),
        ),
    )
}

INSTALMENT_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "release",
            (P.PLANNED,),
            P.RELEASED,
            frozenset({STAFF, SYSTEM}),
            guard=guards.instalment_condition_met,
            label=_("Débloquer le versement"),
        ),
        Transition(
            "mark_paid",
            (P.RELEASED,),
            P.PAID,
            frozenset({STAFF}),
            guard=guards.payment_within_grant,
            effects=(effects.email_instalment_paid,),
            label=_("Marquer comme payé"),
        ),
    )
}
