"""The emails administrators may edit (issue 15): every template triple of `templates/emails/`
that a `queue_email` call sends, with the placeholders its context carries.

A placeholder is a key of the context the caller passes to `queue_email` (plus `site_url`,
which `mail.render_email` always adds). Its sample value fills the preview of the steering page.
A *snippet* is a placeholder computed when the email is rendered, from a small default
template that keeps the variants of the email (the outcome of a decision, the event of a
grant notice, the plural of a count): an edited text, which may hold no `{% %}` tag, still
says the right thing in each case by writing `{{ outcome_sentence }}`.

Data only: the core imports no feature app, and the feature apps' context builders must keep
to these names (tests/cma_portal/test_email_templates.py checks the default files and the
calls of `queue_email` against this table).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# Always available: `mail.render_email` adds it to every context.
COMMON = {"site_url": "https://cma-sante-numerique.anr.fr"}

_APPLICATION = {
    "reference": "CMA-SN-2026-0042",
    "title": "Former au numérique en santé",
    "acronym": "FORMANUM",
    "wave": "Vague 6",
    "url": "https://cma-sante-numerique.anr.fr/candidatures/42/",
    "application_path": "/candidatures/42/messages/",
}
_MESSAGE = {
    "reference": "CMA-SN-2026-0042",
    "title": "Former au numérique en santé",
    "acronym": "FORMANUM",
    "author": "Camille Martin",
    "body": "Merci de joindre le budget détaillé.",
    "attachment_count": 1,
    "path": "/candidatures/42/messages/",
}
_DEADLINE = {
    "reference": "CMA-SN-2026-0042",
    "title": "Former au numérique en santé",
    "deadline": "30/06/2027 23:59",
    "days_left": 7,
    "url": "/candidatures/42/",
    "kind": "dossier_d7",
}


@dataclass(frozen=True)
class EditableEmail:
    name: str
    label: str
    # placeholder → sample value (the types of the real context: a count is an int)
    placeholders: dict = field(default_factory=dict)
    # computed placeholder → default template rendering it from the context
    snippets: dict = field(default_factory=dict)

    def allowed(self) -> list[str]:
        return sorted({*self.placeholders, *self.snippets, *COMMON})

    def sample(self) -> dict:
        return {**COMMON, **self.placeholders}


EDITABLE_EMAILS: dict[str, EditableEmail] = {
    e.name: e
    for e in (
        EditableEmail(
            "letter_submitted",
            _("Lettre d'intention déposée (aux porteurs)"),
            {
                **_APPLICATION,
                "submitted_at": "22/11/2026 14:05:12",
                "receipt_url": "https://cma-sante-numerique.anr.fr/candidatures/42/recepisse/7/",
            },
        ),
        EditableEmail(
            "dossier_submitted",
            _("Dossier complet déposé (aux porteurs et chargés de programme)"),
            {
                "reference": "CMA-SN-2026-0042",
                "title": "Former au numérique en santé",
                "acronym": "FORMANUM",
                "submitted_date": "22/11/2026",
                "submitted_time": "14:05",
                "url": "/candidatures/42/dossier/",
            },
        ),
        EditableEmail(
            "correction_requested",
            _("Correction demandée sur une lettre d'intention"),
            {**_APPLICATION, "message": "Précisez le consortium envisagé."},
        ),
        EditableEmail(
            "go_decided",
            _("GO sur une lettre d'intention"),
            {**_APPLICATION, "deadline_date": "28/02/2027", "note": "Pensez à détailler le budget."},
        ),
        EditableEmail(
            "no_go_decided",
            _("NO GO sur une lettre d'intention"),
            {**_APPLICATION, "reasons": "Le projet ne relève pas de l'action visée."},
        ),
        EditableEmail(
            "extension_granted",
            _("Délai de dépôt du dossier prolongé"),
            {
                "reference": "CMA-SN-2026-0042",
                "title": "Former au numérique en santé",
                "acronym": "FORMANUM",
                "application_path": "/candidatures/42/messages/",
                "deadline_date": "31/03/2027",
                "old_deadline_date": "28/02/2027",
                "reason": "Signature tardive d'un partenaire.",
            },
        ),
        EditableEmail(
            "expired",
            _("Délai de dépôt du dossier expiré"),
            {
                "reference": "CMA-SN-2026-0042",
                "title": "Former au numérique en santé",
                "deadline": "28/02/2027 23:59",
                "url": "/candidatures/42/",
            },
        ),
        EditableEmail("withdrawn", _("Candidature retirée"), {**_APPLICATION, "by": "Camille Martin"}),
        EditableEmail(
            "message_to_applicants",
            _("Message des chargés de programme aux porteurs (individuel ou groupé)"),
            _MESSAGE,
            {"attachments_line": "emails/snippets/attachments_applicants.txt"},
        ),
        EditableEmail(
            "message_to_staff",
            _("Message d'un porteur aux chargés de programme"),
            _MESSAGE,
            {"attachments_line": "emails/snippets/attachments_staff.txt"},
        ),
        EditableEmail(
            "invitation",
            _("Invitation à co-éditer une candidature"),
            {
                "inviter": "Camille Martin",
                "title": "Former au numérique en santé",
                "reference": "CMA-SN-2026-0042",
                "accept_url": "https://cma-sante-numerique.anr.fr/candidatures/invitation/abc/",
            },
        ),
        EditableEmail(
            "staff_invitation",
            _("Invitation d'un membre de l'équipe (rôle)"),
            {
                "role_label": "Évaluateur·rice",
                "actions": "1, 3",
                "accept_path": "/compte/profil/invitation/abc/",
                "expires_at": "29/11/2026 14:05",
            },
            {"actions_sentence": "emails/snippets/staff_invitation_actions.txt"},
        ),
        EditableEmail(
            "wave_opened",
            _("Annonce de l'ouverture d'une vague"),
            {
                "wave_name_fr": "Vague 6",
                "wave_name_en": "Wave 6",
                "opens_at": "01/12/2026 09:00",
                "closes_at": "",
            },
            {"deposit_period": "emails/snippets/wave_deposit_period.txt"},
        ),
        EditableEmail(
            "reminder_dossier",
            _("Rappel : date limite du dossier complet"),
            _DEADLINE,
            {"days_left_sentence": "emails/snippets/days_left.txt"},
        ),
        EditableEmail(
            "reminder_wave",
            _("Rappel : clôture de la vague, lettre en brouillon"),
            {**_DEADLINE, "kind": "wave_d7", "wave": "Vague 6"},
        ),
        EditableEmail(
            "reminder_review",
            _("Rappel : évaluation à remettre"),
            {**_DEADLINE, "kind": "review_d7", "url": "/evaluation/affectations/7/"},
        ),
        EditableEmail(
            "review_assigned",
            _("Évaluation demandée à un·e évaluateur·rice"),
            {
                "title": "Former au numérique en santé",
                "reference": "CMA-SN-2026-0042",
                "due_at": "15/01/2027 23:59",
                "url": "https://cma-sante-numerique.anr.fr/evaluation/affectations/7/",
            },
        ),
        EditableEmail(
            "decision_notice",
            _("Décision du comité sur un dossier"),
            {
                "title": "Former au numérique en santé",
                "reference": "CMA-SN-2026-0042",
                "outcome": "selected",
                "aid_granted": "1 200 000,00",
                "letter_url": "https://cma-sante-numerique.anr.fr/laureats/decisions/7/lettre.pdf",
                # Empty when the dossier has no evaluation summary (no validated consensus).
                "summary_url": "https://cma-sante-numerique.anr.fr/candidatures/42/",
            },
            {"outcome_sentence": "emails/snippets/decision_outcome.txt"},
        ),
        EditableEmail(
            "rapporteur_named",
            _("Rapporteur désigné pour le consensus d'un dossier"),
            {
                "title": "Former au numérique en santé",
                "reference": "CMA-SN-2026-0042",
                "url": "https://cma-sante-numerique.anr.fr/evaluation/affectations/7/consensus/",
            },
        ),
        EditableEmail(
            "consensus_sent_back",
            _("Consensus renvoyé au rapporteur"),
            {
                "title": "Former au numérique en santé",
                "reference": "CMA-SN-2026-0042",
                "note": "Précisez l'appréciation du budget.",
                "url": "https://cma-sante-numerique.anr.fr/evaluation/affectations/7/consensus/",
            },
        ),
        EditableEmail(
            "grant_notice",
            _("Suivi de la convention et des rapports (lauréats)"),
            {
                "event": "agreement_sent",
                "reference": "CMA-SN-2026-0042",
                "title": "Former au numérique en santé",
                "url": "/candidatures/42/convention/",
                "report_kind": "yearly",
                "report_number": "1",
                "deadline": "30/06/2027",
                "signed_on": "15/01/2027",
                "message": "",
                "instalment_number": "1",
                "amount": "360000.00",
                "payment_reference": "VIR-2027-0001",
            },
            {
                "notice": "emails/snippets/grant_notice_body.txt",
                "notice_subject": "emails/snippets/grant_notice_subject.txt",
            },
        ),
    )
}

LANGUAGES = (("fr", _("français")), ("en", _("anglais")))
