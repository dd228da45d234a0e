"""Demo applications for `seed_demo`: one in every state of the workflow, with real PDFs.

Every demo application is driven through the services (letter saved and submitted by the demo
applicant, screened and decided by the demo programme manager), so states, references,
snapshots and the audit trail are what the portal would have produced. `extra` adds plain rows
for benchmarks (bulk_create, no documents).
"""

import io
import time
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from actions.models import Action, ActionComponent
from applications.demo_bulk import seed_bulk
from applications.models import (
    Application,
    BudgetLine,
    Collaborator,
    ConsortiumPartner,
    Document,
    Membership,
    Milestone,
    Organisation,
    TrainingTarget,
)
from applications.services.documents import document_store
from applications.services.letters import letter_create, letter_save, letter_submit
from applications.services.transitions import application_apply_transition
from applications.snapshots import freeze_submission
from applications.states import State
from waves.deadlines import dossier_deadline
from waves.models import Wave

APPLICANT = "porteuse@demo.cma.fr"
CO_EDITOR = "coporteur@demo.cma.fr"
MANAGER = "charge@demo.cma.fr"

# (acronym, title, target state, action number, component code)
DEMO_APPLICATIONS = [
    ("DEMO-BROUILLON", "Former les soignants au numérique en santé", State.LI_DRAFT, 1, None),
    ("DEMO-DEPOSEE", "Directeurs de demain : culture numérique en santé", State.LI_SUBMITTED, 2, None),
    ("DEMO-NOGO", "Un parcours juridique santé numérique", State.LI_REJECTED, 4, None),
    ("DEMO-DOSSIER", "Double culture informatique et santé", State.DOSSIER_DRAFT, 3, "3a"),
    ("DEMO-DEPOT", "Sensibiliser les ingénieurs à la santé", State.DOSSIER_SUBMITTED, 3, "3b"),
    ("DEMO-EXPIRE", "Dispositifs médicaux numériques", State.DOSSIER_EXPIRED, 5, "5a"),
    ("DEMO-EVAL", "Modules réglementaires numériques", State.UNDER_REVIEW, 5, "5b"),
    ("DEMO-LAUREAT", "Campus santé numérique", State.SELECTED, 1, None),
    ("DEMO-ATTENTE", "Formation continue des DSI hospitaliers", State.WAITLISTED, 2, None),
    ("DEMO-NONRETENU", "Données de santé pour tous", State.NOT_SELECTED, 3, "3a"),
    ("DEMO-RETIREE", "Projet retiré par la porteuse", State.WITHDRAWN, 1, None),
]

DECIDED = {State.SELECTED, State.WAITLISTED, State.NOT_SELECTED}
AFTER_GO = {
    State.DOSSIER_DRAFT,
    State.DOSSIER_SUBMITTED,
    State.DOSSIER_EXPIRED,
    State.UNDER_REVIEW,
    State.SELECTED,
    State.WAITLISTED,
    State.NOT_SELECTED,
}
AFTER_DOSSIER = {
    State.DOSSIER_SUBMITTED,
    State.UNDER_REVIEW,
    State.SELECTED,
    State.WAITLISTED,
    State.NOT_SELECTED,
}
AFTER_REVIEW = {State.UNDER_REVIEW, State.SELECTED, State.WAITLISTED, State.NOT_SELECTED}


@lru_cache(maxsize=16)
def demo_pdf(title: str, pages: int = 1) -> bytes:
    """A small real PDF rendered by WeasyPrint."""
    from weasyprint import HTML

    sections = "".join(
        f"<section style='page-break-after: always'><h1>{title}</h1>"
        f"<p>Document de démonstration — page {n + 1} sur {pages}.</p>"
        "<p>Portail CMA — Santé numérique, AMI Compétences et métiers d'avenir.</p></section>"
        for n in range(pages)
    )
    return HTML(string=f"<html lang='fr'><body>{sections}</body></html>").write_pdf()


@lru_cache(maxsize=1)
def demo_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Annexe financière"
    sheet.append(["Année", "Catégorie", "Coût éligible (€)", "Aide demandée (€)", "Cofinancement (€)"])
    for year in (1, 2, 3):
        sheet.append([year, "Personnel", 200000, 120000, 80000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf_file(name: str, title: str, pages: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_pdf(title, pages), content_type="application/pdf")


def _organisations(applicant):
    lead, _ = Organisation.objects.get_or_create(
        name="Université de démonstration",
        defaults={
            "kind": Organisation.Kind.UNIVERSITY,
            "siret": "19751718800011",
            "uai": "0751717J",
            "region": Organisation.Region.IDF,
            "address": "1 place de la Sorbonne, 75005 Paris",
        },
    )
    Membership.objects.get_or_create(organisation=lead, user=applicant)
    partner, _ = Organisation.objects.get_or_create(
        name="CHU de démonstration",
        defaults={"kind": Organisation.Kind.HOSPITAL, "region": Organisation.Region.IDF},
    )
    return lead, partner


def _fill_dossier(application, user):
    """Budget, training targets, milestones, presentation, annex and commitments."""
    for year in (1, 2, 3):
        BudgetLine.objects.get_or_create(
            application=application,
            year=year,
            category=BudgetLine.Category.STAFF,
            defaults={
                "eligible_cost": Decimal("300000"),
                "aid_requested": Decimal("180000"),
                "co_financing": Decimal("120000"),
                "co_financing_source": "Région et établissement",
            },
        )
    this_year = timezone.localdate().year
    for offset in (1, 2):
        TrainingTarget.objects.get_or_create(
            application=application,
            audience=TrainingTarget.Audience.INITIAL_IT,
            year=this_year + offset,
            defaults={"people_trained": 150 * offset, "hours": 24},
        )
    for month, title in ((6, "Ouverture du premier module"), (24, "Première promotion diplômée")):
        Milestone.objects.get_or_create(application=application, title=title, defaults={"due_month": month})
    document_store(
        application=application,
        kind=Document.Kind.PRESENTATION,
        uploaded_file=_pdf_file("presentation.pdf", f"Présentation — {application.acronym}", 3),
        user=user,
        page_count=3,
    )
    document_store(
        application=application,
        kind=Document.Kind.FINANCIAL_ANNEX,
        uploaded_file=SimpleUploadedFile("annexe-financiere.xlsx", demo_xlsx()),
        user=user,
    )
    for partner in application.partners.select_related("organisation"):
        document_store(
            application=application,
            kind=Document.Kind.COMMITMENT,
            uploaded_file=_pdf_file("engagement.pdf", f"Lettre d'engagement — {partner.organisation.name}"),
            user=user,
            partner=partner,
            page_count=1,
        )


def _drive(application, target, *, owner, manager, now, letter_at, decide=None):
    """Move a freshly submitted letter to `target` through the workflow."""
    if target == State.LI_REJECTED:
        application_apply_transition(
            application=application,
            name="no_go",
            actor=manager,
            note="Le consortium doit associer une université disposant d'une faculté de droit.",
            apply=lambda a: setattr(a, "decision_note", "Recommandation : élargir le consortium."),
        )
        return
    if target == State.WITHDRAWN:
        application_apply_transition(
            application=application, name="withdraw", actor=owner, note="Projet reporté."
        )
        return
    if target not in AFTER_GO:
        return
    # GO ten days after the letter: the three-month deadline then falls in about three weeks
    # (or has passed, for the expired dossier).
    go_at = min(letter_at + timedelta(days=10), now)
    deadline = dossier_deadline(go_at, application.wave.call.dossier_delay_months)

    def go(locked):
        locked.go_decided_at = go_at
        locked.dossier_deadline = deadline

    application_apply_transition(application=application, name="go", actor=manager, at=go_at, apply=go)
    application.refresh_from_db()
    if target == State.DOSSIER_EXPIRED:
        if deadline < now:
            application_apply_transition(application=application, name="expire", actor=None, at=now)
        return
    _fill_dossier(application, owner)
    if target == State.DOSSIER_DRAFT:
        return

    def stamp(locked):
        locked.dossier_submitted_at = now

    locked = application_apply_transition(
        application=application, name="submit_dossier", actor=owner, at=now, apply=stamp
    )
    freeze_submission(locked, kind="dossier", submitted_by=owner, submitted_at=now)
    if target == State.DOSSIER_SUBMITTED:
        return
    application_apply_transition(application=application, name="start_review", actor=manager)
    if target in DECIDED and decide is not None:
        decide(application, target, manager)


def _seed_one(spec, *, wave, lead, partner_org, owner, co_editor, manager, now, decide=None):
    acronym, title, target, action_number, component_code = spec
    if Application.objects.filter(owner=owner, acronym=acronym).exists():
        return False
    # Letters that reached the GO were submitted weeks ago: through the rolling procedure, which
    # accepted letters then (the demo wave only opened two weeks ago).
    letter_at = now
    if target in AFTER_GO:
        past = now - timedelta(days=140 if target == State.DOSSIER_EXPIRED else 80)
        rolling = Wave.objects.with_call().filter(mode=Wave.Mode.ROLLING).order_by("opens_at").first()
        if rolling is not None and rolling.accepts_letters(past):
            wave, letter_at = rolling, past
    application = letter_create(user=owner, wave=wave, lead_organisation=lead)
    action = Action.objects.get(number=action_number)
    letter_save(
        application=application,
        user=owner,
        version=application.version,
        fields={
            "title": title,
            "acronym": acronym,
            "summary": f"{title} : un projet de démonstration du portail, porté par une université et un CHU.",
            "estimated_total_cost": Decimal("900000"),
            "estimated_aid_requested": Decimal("540000"),
            "planned_duration_months": 48,
            "people_trained_per_year": 250,
            "audience": "Étudiants et professionnels de santé",
        },
        actions=[action],
        components=list(ActionComponent.objects.filter(code=component_code)) if component_code else [],
        partners=[
            {
                "name": partner_org.name,
                "kind": partner_org.kind,
                "region": partner_org.region,
                "role": ConsortiumPartner.Role.HOSPITAL,
            }
        ],
    )
    document_store(
        application=application,
        kind=Document.Kind.LETTER,
        uploaded_file=_pdf_file("lettre-intention.pdf", f"Lettre d'intention — {acronym}", 2),
        user=owner,
        page_count=2,
    )
    if target in (State.LI_DRAFT, State.DOSSIER_DRAFT) and co_editor is not None:
        Collaborator.objects.get_or_create(
            application=application,
            email=co_editor.email,
            defaults={"user": co_editor, "invited_by": owner, "accepted_at": now},
        )
    if target == State.LI_DRAFT:
        return True
    letter_submit(application=application, user=owner, at=letter_at)
    application.refresh_from_db()
    _drive(application, target, owner=owner, manager=manager, now=now, letter_at=letter_at, decide=decide)
    return True


@transaction.atomic
def seed(*, users, wave, extra, stdout, decide=None):
    """Create the demo applications (idempotent): one per state of the workflow, owned by the
    demo applicant, with the demo co-applicant as co-editor of the drafts.

    `decide(application, target_state, manager)` records the committee's decision of the demo
    dossiers meant to end selected, waitlisted or not selected (the review app passes it)."""
    owner = users[APPLICANT]
    co_editor = users.get(CO_EDITOR)
    manager = users[MANAGER]
    now = timezone.now()
    lead, partner_org = _organisations(owner)
    created = 0
    for spec in DEMO_APPLICATIONS:
        created += _seed_one(
            spec,
            wave=wave,
            lead=lead,
            partner_org=partner_org,
            owner=owner,
            co_editor=co_editor,
            manager=manager,
            now=now,
            decide=decide,
        )
    started = time.perf_counter()
    bench = seed_bulk(extra, wave=wave, applicant=owner, now=now) if extra else 0
    bulk_seconds = time.perf_counter() - started
    total = Application.objects.filter(owner=owner, acronym__startswith="DEMO-").count()
    stdout.write(
        f"Candidatures de démonstration : {created} créées, {total} au total (un état par étape) ; "
        f"{bench} candidatures supplémentaires pour les mesures ({bulk_seconds:.1f} s)."
    )
