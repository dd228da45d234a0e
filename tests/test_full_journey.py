"""The whole journey of one application, driven only through the pages with the test client:
sign-up, organisation, letter of intent, correction round trip, GO, full dossier, submission,
and what the programme manager sees on the other side (issue 3's acceptance)."""

import html
import io
import re

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from actions.models import Action, ActionComponent
from applications.models import Application, ConsortiumPartner, Submission
from applications.states import State
from tests import fixtures_files as ff
from tests.factories import PASSWORD, WaveFactory, programme_manager

pytestmark = pytest.mark.django_db

EMAIL = "porteuse@univ-journey.fr"
SIRET = "19751718800011"


def text(response) -> str:
    return html.unescape(response.content.decode())


def path_of(url: str) -> str:
    """The path of an absolute URL found in an email."""
    return "/" + url.split("/", 3)[3]


def subjects() -> list[str]:
    return [m.subject for m in mail.outbox]


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def version_of(application: Application) -> int:
    return Application.objects.values_list("version", flat=True).get(pk=application.pk)


def post_section(client, application, section: str, data: dict):
    """Post one dossier section with the version the page would carry; expect a redirect."""
    response = client.post(
        f"/candidatures/{application.pk}/dossier/{section}/", {"version": version_of(application), **data}
    )
    assert response.status_code == 302, (section, text(response)[:3000])
    return response


def letter_form(organisation_pk: int, **overrides) -> dict:
    data = {
        "actions": [Action.objects.get(number=3).pk],
        "components": [ActionComponent.objects.get(code="3b").pk],
        "lead_organisation": organisation_pk,
        "title": "Former les soignants au numérique en santé",
        "acronym": "PARCOURSNUM",
        "summary": "Des modules communs aux facultés de santé et aux écoles d'ingénieurs.",
        "estimated_total_cost": "2 000 000",
        "estimated_aid_requested": "1 200 000",
        "planned_duration_months": "48",
        "people_trained_per_year": "300",
        "audience": "Étudiants en santé et en informatique",
        **formset(
            "partners", [{"name": "CHU du Parcours", "kind": "hospital", "region": "BRE", "role": "hospital"}]
        ),
    }
    data["partners-MAX_NUM_FORMS"] = "30"
    data.update(overrides)
    return data


def test_the_whole_journey_through_the_pages(client, django_capture_on_commit_callbacks):
    applicant = client
    staff = client.__class__()
    manager = programme_manager()
    staff.force_login(manager)
    wave = WaveFactory(name_fr="Vague du parcours complet")
    year = timezone.localtime().year

    # --- Sign-up, email confirmation, log in -------------------------------------------------
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.post(
            "/compte/signup/", {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD}
        )
    assert response.status_code == 302
    confirmation = mail.outbox[-1]
    assert confirmation.to == [EMAIL]
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", confirmation.body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        assert applicant.post(path_of(link)).status_code == 302
    applicant.logout()
    response = applicant.post("/compte/login/", {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    assert applicant.get("/candidatures/").status_code == 200

    # --- Organisation -------------------------------------------------------------------------
    response = applicant.post(
        "/candidatures/organisations/nouvelle/?next=/candidatures/nouvelle/",
        {
            "name": "Université du Parcours complet",
            "kind": "university",
            "siret": SIRET,
            "uai": "",
            "region": "BRE",
            "address": "1 place de l'Université, 35000 Rennes",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/candidatures/nouvelle/"

    # --- Letter of intent: draft, then PDF and submission ------------------------------------
    page = text(applicant.get("/candidatures/nouvelle/"))
    assert "Vague du parcours complet" in page
    response = applicant.post("/candidatures/nouvelle/", {"wave": wave.pk})
    assert response.status_code == 302
    application = Application.objects.get(owner__email=EMAIL)
    edit_url = f"/candidatures/{application.pk}/lettre/"
    assert response["Location"] == edit_url
    organisation = application.lead_organisation
    assert organisation.siret == SIRET

    response = applicant.post(
        edit_url, {"version": version_of(application), **letter_form(organisation.pk), "save": "1"}
    )
    assert response.status_code == 302
    page = text(applicant.get(edit_url))
    assert "Brouillon enregistré" in page
    assert "Déposez la lettre d'intention au format PDF." in page

    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.post(
            edit_url,
            {
                "version": version_of(application),
                **letter_form(organisation.pk),
                "letter": ff.pdf_upload(2, name="Lettre PARCOURSNUM.pdf"),
                "submit": "1",
            },
        )
    assert response.status_code == 302, text(response)[:3000]
    application.refresh_from_db()
    assert application.state == State.LI_SUBMITTED
    reference = application.reference
    assert re.fullmatch(rf"CMA-SN-{year}-\d{{4}}", reference)
    receipt = text(applicant.get(response["Location"]))
    assert reference in receipt and "PARCOURSNUM" in receipt
    assert any("Lettre d'intention déposée" in s and reference in s for s in subjects())

    # --- Staff list, then a correction request ------------------------------------------------
    staff_list = text(staff.get("/instruction/"))
    assert reference in staff_list and f"/instruction/candidatures/{application.pk}/" in staff_list
    detail_url = f"/instruction/candidatures/{application.pk}/"
    correction = "Précisez le volume horaire des modules pour les internes."
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"{detail_url}correction/", {"correction-message": correction})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.LI_DRAFT
    assert any("Correction demandée" in s and reference in s for s in subjects())

    page = text(applicant.get(f"/candidatures/{application.pk}/"))
    assert "Lettre d'intention en brouillon" in page
    thread = text(applicant.get(f"/candidatures/{application.pk}/messages/"))
    assert correction in thread

    # The applicant edits (the letter PDF is kept) and submits again.
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.post(
            edit_url,
            {
                "version": version_of(application),
                **letter_form(
                    organisation.pk, summary="Modules de 30 heures pour les internes et les étudiants."
                ),
                "submit": "1",
            },
        )
    assert response.status_code == 302, text(response)[:3000]
    application.refresh_from_db()
    assert application.state == State.LI_SUBMITTED
    assert application.reference == reference
    assert reference in text(applicant.get(response["Location"]))

    # --- GO: the applicant sees the dossier deadline -----------------------------------------
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"{detail_url}go/", {"go-note": "Projet solide."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.DOSSIER_DRAFT
    local_deadline = timezone.localtime(application.dossier_deadline)
    deadline = local_deadline.strftime("%d/%m/%Y à %H:%M (heure de Paris)")
    assert (
        f"Dossier complet à déposer au plus tard le {local_deadline:%d/%m/%Y à %H:%M} (heure de Paris)."
        in text(applicant.get(f"/candidatures/{application.pk}/"))
    )
    assert deadline in text(applicant.get(f"/candidatures/{application.pk}/dossier/"))
    go_mail = next(m for m in mail.outbox if m.subject.startswith("[Portail CMA] GO"))
    assert reference in go_mail.subject and go_mail.to == [EMAIL] and deadline in go_mail.body

    # --- The full dossier, section by section --------------------------------------------------
    post_section(applicant, application, "presentation", {"file": ff.pdf_upload(4, "presentation.pdf")})
    post_section(
        applicant, application, "annexe-financiere", {"file": ff.upload(ff.xlsx_bytes(), "annexe.xlsx")}
    )
    # The partner named in the letter is there already: its commitment letter is added.
    partner = ConsortiumPartner.objects.get(application=application)
    assert partner.organisation.name == "CHU du Parcours"
    post_section(
        applicant,
        application,
        "partenaires",
        formset(
            "partners",
            [
                {
                    "id": str(partner.pk),
                    "organisation": str(partner.organisation_id),
                    "role": "hospital",
                    "contribution": "Terrains de stage et formateurs",
                    "commitment": ff.pdf_upload(1, "engagement-chu.pdf"),
                }
            ],
            initial=1,
        ),
    )
    budget = [
        {"year": "1", "category": "staff", "eligible_cost": "500000", "aid_requested": "350000",
         "co_financing": "150000", "co_financing_source": "Région Bretagne"},
        {"year": "2", "category": "equipment", "eligible_cost": "300000", "aid_requested": "210000",
         "co_financing": "90000", "co_financing_source": "Fonds propres"},
    ]  # fmt: skip
    post_section(applicant, application, "budget", formset("budget", budget))
    training = [
        {"audience": "initial_it", "year": str(year + 1), "people_trained": "200", "hours": "30"},
        {"audience": "continuing", "year": str(year + 2), "people_trained": "100", "hours": "14"},
    ]
    post_section(applicant, application, "formation", formset("training", training))
    milestones = [
        {"title": "Ouverture des modules", "due_month": "12", "deliverable": "Maquettes"},
        {"title": "Bilan", "due_month": "48", "deliverable": "Rapport final"},
    ]
    post_section(applicant, application, "jalons", formset("milestones", milestones))

    page = text(applicant.get(f"/candidatures/{application.pk}/dossier/"))
    assert "Toutes les pièces demandées sont présentes." in page
    assert "Confirmer le dépôt" in text(applicant.get(f"/candidatures/{application.pk}/dossier/deposer/"))
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.post(f"/candidatures/{application.pk}/dossier/deposer/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.DOSSIER_SUBMITTED
    dossier = Submission.objects.get(application=application, kind=Submission.Kind.DOSSIER)
    assert dossier.snapshot["budget"]["totals"]["aid_rate"] == "70.00"
    assert any("Dossier complet déposé" in s and reference in s for s in subjects())

    # Its PDF is rendered (tasks are eager in tests) and carries the reference.
    dossier.refresh_from_db()
    assert dossier.pdf_status == "ready"
    response = applicant.get(f"/candidatures/{application.pk}/depots/{dossier.pk}/pdf/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert reference in pdf_text

    # --- The staff side: both submissions and the whole history ------------------------------
    submissions = list(Submission.objects.filter(application=application).order_by("id"))
    assert {s.kind for s in submissions} == {Submission.Kind.LETTER, Submission.Kind.DOSSIER}
    page = text(staff.get(detail_url))
    assert reference in page
    for submission in submissions:
        assert submission.fingerprint[:12] in page, submission.kind
        assert submission.get_kind_display() in page
    history = page[page.index("Historique") :]
    # The history says what happened, in words (issue 12): past tense, no codes.
    for label in (
        "Lettre d'intention déposée",
        "Correction de la lettre d'intention demandée",
        "GO : lettre d'intention retenue",
        "Dossier complet déposé",
    ):
        assert f"<strong>{label}</strong>" in history, label
    assert history.count("<strong>Lettre d'intention déposée</strong>") == 2
    assert correction in history and "Projet solide." in history

    # --- Every step told someone by email ---------------------------------------------------
    for words in (
        "Lettre d'intention déposée",
        "Correction demandée",
        "GO pour votre lettre d'intention",
        "Dossier complet déposé",
    ):
        assert any(words in s for s in subjects()), words
    to_applicant = [m.subject for m in mail.outbox if EMAIL in m.to]
    assert sum("Lettre d'intention déposée" in s for s in to_applicant) == 2
    assert any(manager.email in m.to and "Dossier complet déposé" in m.subject for m in mail.outbox)
