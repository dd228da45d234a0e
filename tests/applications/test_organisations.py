"""Organisations: creation with SIRET or UAI, membership, their page."""

import pytest

from applications.models import Membership, Organisation
from cma_portal.audit import audit_events_for
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    administrator,
    programme_manager,
    reviewer,
)

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Université de Test",
    "kind": Organisation.Kind.UNIVERSITY,
    "siret": "197 517 188 00011",
    "uai": "",
    "region": Organisation.Region.IDF,
    "address": "1 place de la Sorbonne",
}


def test_create_organisation_makes_user_member(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/candidatures/organisations/nouvelle/", VALID)
    organisation = Organisation.objects.get(name="Université de Test")
    assert response["Location"] == f"/candidatures/organisations/{organisation.pk}/"
    assert organisation.siret == "19751718800011"
    assert Membership.objects.filter(user=user, organisation=organisation).exists()
    assert audit_events_for(organisation).filter(verb="created").exists()


def test_create_organisation_with_uai_only(client):
    client.force_login(UserFactory())
    client.post("/candidatures/organisations/nouvelle/", {**VALID, "siret": "", "uai": "0751717j"})
    assert Organisation.objects.get().uai == "0751717J"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"siret": "", "uai": ""}, "au moins l&#x27;un des deux"),
        ({"siret": "19751718800012"}, "clé de contrôle incorrecte"),
        ({"siret": "1234"}, "exactement 14 chiffres"),
        ({"uai": "0751717K"}, "lettre de contrôle incorrecte"),
    ],
)
def test_invalid_identifiers_are_refused_and_input_kept(client, overrides, message):
    client.force_login(UserFactory())
    response = client.post("/candidatures/organisations/nouvelle/", {**VALID, **overrides})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Université de Test" in page
    assert not Organisation.objects.exists()


def test_edit_organisation_by_member_only(client):
    membership = MembershipFactory()
    organisation = membership.organisation
    client.force_login(UserFactory())
    assert client.get(f"/candidatures/organisations/{organisation.pk}/modifier/").status_code == 404
    client.force_login(membership.user)
    response = client.post(
        f"/candidatures/organisations/{organisation.pk}/modifier/", {**VALID, "name": "Nouveau nom"}
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Nouveau nom"


def test_organisation_page_lists_only_visible_applications(client):
    organisation = OrganisationFactory()
    mine = ApplicationFactory(lead_organisation=organisation, title="Projet visible")
    ApplicationFactory(lead_organisation=organisation, title="Projet d'un collègue")
    client.force_login(mine.owner)
    page = client.get(f"/candidatures/organisations/{organisation.pk}/").content.decode()
    assert "Projet visible" not in page or "FNS" in page  # listed by its label
    assert str(mine) in page
    assert "collègue" not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("member", 200),
        ("other_applicant", 404),
        ("reviewer", 404),
        ("programme_manager", 200),
        ("administrator", 200),
    ],
)
def test_organisation_page_per_role(client_for, who, status):
    membership = MembershipFactory()
    users = {
        "anonymous": lambda: None,
        "member": lambda: membership.user,
        "other_applicant": UserFactory,
        "reviewer": reviewer,
        "programme_manager": programme_manager,
        "administrator": administrator,
    }
    response = client_for(users[who]()).get(f"/candidatures/organisations/{membership.organisation.pk}/")
    assert response.status_code == status


def test_siret_whose_siren_key_is_wrong_is_refused_in_french(client):
    # 29141777631705 passes a Luhn check over its 14 digits, but its SIREN 291417776 does not.
    client.force_login(UserFactory())
    response = client.post("/candidatures/organisations/nouvelle/", {**VALID, "siret": "29141777631705"})
    assert response.status_code == 200
    assert "Ce SIRET n’est pas valide" in response.content.decode().replace("'", "’").replace("&#x27;", "’")
    assert not Organisation.objects.exists()
