"""Resubmission after a NO GO (issue 15): a new letter prefilled from the rejected one, in any
wave that accepts letters, linked both ways, the recommendations beside the form."""

import html
from datetime import timedelta

import pytest
from django.utils import timezone

from actions.models import ActionComponent
from applications.models import Application, ConsortiumPartner
from applications.services.screening import letter_no_go
from cma_portal.models import AuditEvent
from tests.factories import (
    OrganisationFactory,
    SubmittedLetterFactory,
    UserFactory,
    WaveFactory,
    attach_document,
    programme_manager,
)
from waves.models import Wave

pytestmark = pytest.mark.django_db

RECOMMENDATIONS = "Préciser le modèle économique et associer un CHU."


@pytest.fixture
def rejected():
    application = SubmittedLetterFactory(title="Former les soignants", acronym="FORMSOIN")
    application.components.set(ActionComponent.objects.filter(code="3a"))
    ConsortiumPartner.objects.create(
        application=application, organisation=OrganisationFactory(name="CHU de Test"), role="hospital"
    )
    attach_document(application, kind="letter", name="lettre.pdf", pages=2)
    # The scheduled wave of the first letter has closed since.
    Wave.objects.filter(pk=application.wave_id).update(closes_at=timezone.now() - timedelta(days=1))
    return letter_no_go(application=application, actor=programme_manager(), reasons=RECOMMENDATIONS)


@pytest.fixture
def rolling():
    return WaveFactory(mode=Wave.Mode.ROLLING, closes_at=None, name_fr="Fil de l'eau")


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_no_go_is_resubmitted_in_the_rolling_wave_prefilled_and_linked(client_for, rejected, rolling):
    client = client_for(rejected.owner)
    detail = text(client.get(f"/candidatures/{rejected.pk}/"))
    assert f"/candidatures/{rejected.pk}/redeposer/" in detail

    page = client.get(f"/candidatures/{rejected.pk}/redeposer/")
    assert page.status_code == 200 and RECOMMENDATIONS in text(page)
    response = client.post(f"/candidatures/{rejected.pk}/redeposer/", {"wave": rolling.pk})
    assert response.status_code == 302
    draft = Application.objects.get(resubmission_of=rejected)
    assert response["Location"] == f"/candidatures/{draft.pk}/lettre/"

    assert draft.wave == rolling and draft.state == "li_draft" and draft.owner == rejected.owner
    for name in ("title", "acronym", "summary", "estimated_total_cost", "audience", "lead_organisation"):
        assert getattr(draft, name) == getattr(rejected, name)
    assert list(draft.actions.all()) == list(rejected.actions.all())
    assert list(draft.components.all()) == list(rejected.components.all())
    assert [p.organisation.name for p in draft.partners.all()] == ["CHU de Test"]
    assert not draft.documents.exists()  # the revised letter is uploaded anew
    assert list(rejected.resubmissions.all()) == [draft]

    form = text(client.get(response["Location"]))
    assert RECOMMENDATIONS in form and "FORMSOIN" in form
    assert f"/candidatures/{draft.pk}/" in text(client.get(f"/candidatures/{rejected.pk}/"))
    verbs = set(
        AuditEvent.objects.filter(verb__in=["resubmitted", "resubmission_created"]).values_list(
            "verb", flat=True
        )
    )
    assert verbs == {"resubmitted", "resubmission_created"}


def test_only_the_owner_of_a_no_go_may_resubmit(client_for, rejected, rolling):
    stranger = client_for(UserFactory())
    assert stranger.post(f"/candidatures/{rejected.pk}/redeposer/", {"wave": rolling.pk}).status_code == 404
    open_letter = SubmittedLetterFactory()
    owner = client_for(open_letter.owner)
    response = owner.post(f"/candidatures/{open_letter.pk}/redeposer/", {"wave": rolling.pk})
    assert (
        response.status_code == 302 and not Application.objects.filter(resubmission_of=open_letter).exists()
    )


def test_a_closed_wave_is_not_offered(client_for, rejected):
    response = client_for(rejected.owner).post(
        f"/candidatures/{rejected.pk}/redeposer/", {"wave": rejected.wave_id}
    )
    assert response.status_code == 400
    assert not Application.objects.filter(resubmission_of=rejected).exists()
