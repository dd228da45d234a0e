"""The applicant's journey through the views, from sign-up to the letter's receipt."""

import re

import pytest
from django.core import mail

from actions.models import Action, ActionComponent
from applications.models import Application, Organisation, Submission
from applications.states import State
from tests import fixtures_files as ff
from tests.factories import PASSWORD, WaveFactory

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_signup_to_letter_receipt(client, django_capture_on_commit_callbacks):
    wave = WaveFactory(name_fr="Vague du parcours")

    # Sign up and confirm the address through the link received by email.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/compte/signup/",
            {"email": "porteuse@univ-parcours.fr", "password1": PASSWORD, "password2": PASSWORD},
        )
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_path(link))
    client.post("/compte/login/", {"login": "porteuse@univ-parcours.fr", "password": PASSWORD})
    assert client.get("/candidatures/").status_code == 200

    # Organisation.
    response = client.post(
        "/candidatures/organisations/nouvelle/?next=/candidatures/nouvelle/",
        {
            "name": "Université du Parcours",
            "kind": Organisation.Kind.UNIVERSITY,
            "siret": "",
            "uai": "0751717J",
            "region": Organisation.Region.BRE,
            "address": "",
        },
    )
    assert response["Location"] == "/candidatures/nouvelle/"
    organisation = Organisation.objects.get(name="Université du Parcours")

    # New letter in the open wave, then a draft without the PDF.
    response = client.post("/candidatures/nouvelle/", {"wave": wave.pk})
    application = Application.objects.get(owner__email="porteuse@univ-parcours.fr")
    edit_url = response["Location"]
    action = Action.objects.get(number=3)
    component = ActionComponent.objects.get(code="3b")
    form = {
        "version": 1,
        "actions": [action.pk],
        "components": [component.pk],
        "lead_organisation": organisation.pk,
        "title": "Former les informaticiens à la santé",
        "acronym": "INFOSANTE",
        "summary": "Des modules de sensibilisation dans les masters d'informatique.",
        "estimated_total_cost": "2 000 000",
        "estimated_aid_requested": "1 200 000",
        "planned_duration_months": "48",
        "people_trained_per_year": "250",
        "audience": "Étudiants en master d'informatique",
        "partners-TOTAL_FORMS": "2",
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "30",
        "partners-0-name": "CHU du Parcours",
        "partners-0-kind": "hospital",
        "partners-0-region": "BRE",
        "partners-0-role": "hospital",
        "save": "1",
    }
    response = client.post(edit_url, form)
    assert response.status_code == 302
    page = client.get(edit_url).content.decode()
    assert "Brouillon enregistré" in page and "Déposez la lettre d&#x27;intention au format PDF." in page

    # Upload the PDF and submit.
    form.update(version=2, letter=ff.pdf_upload(2, name="Lettre INFOSANTE.pdf"), submit="1")
    form.pop("save")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, form)
    application.refresh_from_db()
    assert application.state == State.LI_SUBMITTED
    submission = Submission.objects.get(application=application)
    receipt = client.get(response["Location"]).content.decode()
    assert application.reference in receipt
    assert "INFOSANTE" in receipt and "Université du Parcours" in receipt
    assert submission.snapshot["documents"][0]["original_name"] == "Lettre INFOSANTE.pdf"
    assert submission.snapshot["partners"][0]["organisation"]["name"] == "CHU du Parcours"

    # Email with the reference; the dashboard shows the new state.
    receipt_mail = next(m for m in mail.outbox if application.reference in m.subject)
    assert receipt_mail.to == ["porteuse@univ-parcours.fr"]
    assert f"/candidatures/{application.pk}/depots/{submission.pk}/" in receipt_mail.body
    dashboard = client.get("/candidatures/").content.decode()
    assert "Attendre la décision GO / NO GO" in dashboard
    # The letter can be downloaded by its owner.
    document = submission.documents.get()
    response = client.get(f"/candidatures/{application.pk}/documents/{document.pk}/")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
