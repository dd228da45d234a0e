"""The dossier's partner list offers only the applicant's own organisations; a new partner is
entered for the application (issue 12, point 6)."""

import pytest

from applications.models import ConsortiumPartner
from tests.factories import ApplicationFactory, MembershipFactory, OrganisationFactory

from .test_dossier_views import dossier_application, formset_data, post, url

pytestmark = pytest.mark.django_db


def test_only_own_organisations_are_offered_and_a_new_partner_can_be_typed(client):
    application = dossier_application()
    own = OrganisationFactory(name="Clinique de l'Orée", kind="hospital")
    MembershipFactory(organisation=own, user=application.owner)
    # A second applicant and their organisations: never offered to the first one.
    other = ApplicationFactory()
    foreign = OrganisationFactory(name="CHU Voisin", kind="hospital")
    MembershipFactory(organisation=foreign, user=other.owner)

    client.force_login(application.owner)
    page = client.get(url("dossier", application)).content.decode()
    assert "Clinique de l&#x27;Orée" in page
    assert "CHU Voisin" not in page and other.lead_organisation.name not in page

    refused = post(
        client,
        "dossier_partners",
        application,
        formset_data("partners", [{"organisation": str(foreign.pk), "role": "hospital"}]),
    )
    assert refused.status_code == 400
    assert not ConsortiumPartner.objects.filter(application=application).exists()

    application.refresh_from_db()
    rows = [
        {"organisation": str(own.pk), "role": "hospital", "contribution": "Stages"},
        {
            "new_name": "Campus numérique du Sud",
            "new_siret": "",
            "new_kind": "digital_training",
            "new_region": "OCC",
            "role": "digital_training",
        },
    ]
    saved = post(client, "dossier_partners", application, formset_data("partners", rows))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    partners = ConsortiumPartner.objects.filter(application=application).select_related("organisation")
    assert sorted(p.organisation.name for p in partners) == ["Campus numérique du Sud", "Clinique de l'Orée"]
    typed = next(p.organisation for p in partners if p.organisation.name == "Campus numérique du Sud")
    assert (typed.kind, typed.region) == ("digital_training", "OCC") and not typed.memberships.exists()

    # The other applicant does not see the first one's typed partner either.
    other_dossier = dossier_application(owner=other.owner)
    client.force_login(other.owner)
    assert "Campus numérique du Sud" not in client.get(url("dossier", other_dossier)).content.decode()


def test_new_partner_needs_kind_and_region_and_a_valid_siret(client):
    application = dossier_application()
    client.force_login(application.owner)
    rows = [{"new_name": "Sans nature", "new_siret": "123", "role": "other"}]
    response = post(client, "dossier_partners", application, formset_data("partners", rows))
    assert response.status_code == 400
    body = response.content.decode()
    assert "14 chiffres" in body and "obligatoire pour un nouveau partenaire" in body
    assert 'value="Sans nature"' in body
