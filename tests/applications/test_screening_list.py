"""The programme managers' list of letters, /instruction/: roles, filters, search, sorting,
pagination, CSV export and a constant query count."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import Action
from applications.models import Organisation
from tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    SubmittedLetterFactory,
    UserFactory,
    WaveFactory,
    administrator,
    programme_manager,
    reviewer,
)

pytestmark = pytest.mark.django_db
URL = "/instruction/"
ROW = re.compile(r'href="/instruction/candidatures/(\d+)/"')


def rows(response) -> list[int]:
    return [int(pk) for pk in ROW.findall(response.content.decode())]


@pytest.fixture
def manager_client(client_for):
    return client_for(programme_manager())


def test_list_anonymous_is_sent_to_login(client_for):
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert "/compte/login/" in response["Location"]


@pytest.mark.parametrize("make_user", [UserFactory, reviewer], ids=["applicant", "reviewer"])
def test_list_refused_to_applicants_and_reviewers(client_for, make_user):
    SubmittedLetterFactory()
    assert client_for(make_user()).get(URL).status_code == 403


def test_list_refused_to_the_owner_of_a_listed_application(client_for):
    application = SubmittedLetterFactory()
    assert client_for(application.owner).get(URL).status_code == 403


@pytest.mark.parametrize("make_user", [programme_manager, administrator], ids=["manager", "administrator"])
def test_list_shows_submitted_letters_to_screeners(client_for, make_user):
    letter = SubmittedLetterFactory(title="Former les DSI de demain", acronym="DSI2030")
    draft = ApplicationFactory(title="Brouillon jamais déposé")
    response = client_for(make_user()).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Former les DSI de demain" in page and letter.reference in page
    assert "Brouillon jamais déposé" not in page
    assert rows(response) == [letter.pk]
    assert draft.pk not in rows(response)


def test_list_staff_without_totp_is_sent_to_mfa_setup(client_for):
    response = client_for(programme_manager(mfa=False)).get(URL)
    assert response.status_code == 302
    assert "/compte/" in response["Location"] and "totp" in response["Location"]


def test_list_main_menu_links_to_instruction(client_for):
    response = client_for(programme_manager()).get("/")
    assert 'href="/instruction/"' in response.content.decode()


def test_filter_by_wave(manager_client):
    wave_a, wave_b = WaveFactory(), WaveFactory()
    a = SubmittedLetterFactory(wave=wave_a)
    SubmittedLetterFactory(wave=wave_b)
    assert rows(manager_client.get(URL, {"wave": wave_a.pk})) == [a.pk]


def test_filter_by_action(manager_client):
    action_2 = Action.objects.get(number=2)
    a = SubmittedLetterFactory(actions=[action_2, Action.objects.get(number=3)])
    SubmittedLetterFactory(actions=[Action.objects.get(number=3)])
    # An application answering two actions is listed once.
    assert rows(manager_client.get(URL, {"action": action_2.pk})) == [a.pk]


def test_filter_by_state(manager_client):
    a = SubmittedLetterFactory(state="dossier_draft", dossier_deadline=timezone.now() + timedelta(days=30))
    SubmittedLetterFactory()
    assert rows(manager_client.get(URL, {"state": "dossier_draft"})) == [a.pk]


def test_filter_by_region_and_kind(manager_client):
    breton = SubmittedLetterFactory(lead_organisation=OrganisationFactory(region=Organisation.Region.BRE))
    school = SubmittedLetterFactory(
        lead_organisation=OrganisationFactory(kind=Organisation.Kind.ENGINEERING_SCHOOL)
    )
    assert rows(manager_client.get(URL, {"region": "BRE"})) == [breton.pk]
    assert rows(manager_client.get(URL, {"kind": "engineering_school"})) == [school.pk]
    assert rows(manager_client.get(URL, {"region": "BRE", "kind": "engineering_school"})) == []


@pytest.mark.parametrize(
    "query",
    ["télésanté", "TELE", "2025-0777", "Université de Brest"],
    ids=["title", "acronym", "reference", "organisation"],
)
def test_text_search(manager_client, query):
    wanted = SubmittedLetterFactory(
        title="Former à la télésanté",
        acronym="TELE-SN",
        reference="CMA-SN-2025-0777",
        lead_organisation=OrganisationFactory(name="Université de Brest"),
    )
    SubmittedLetterFactory(title="Autre projet", acronym="AUTRE")
    assert rows(manager_client.get(URL, {"q": query})) == [wanted.pk]


def test_invalid_filter_value_shows_an_error_not_a_500(manager_client):
    SubmittedLetterFactory()
    response = manager_client.get(URL, {"wave": "pas-un-nombre", "state": "inconnu"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_sorting_by_title_both_ways(manager_client):
    b = SubmittedLetterFactory(title="Bêta")
    a = SubmittedLetterFactory(title="Alpha")
    c = SubmittedLetterFactory(title="Gamma")
    assert rows(manager_client.get(URL, {"o": "title"})) == [a.pk, b.pk, c.pk]
    assert rows(manager_client.get(URL, {"o": "-title"})) == [c.pk, b.pk, a.pk]


def test_sorting_by_deadline_puts_letters_without_deadline_last(manager_client):
    now = timezone.now()
    late = SubmittedLetterFactory(state="dossier_draft", dossier_deadline=now + timedelta(days=80))
    soon = SubmittedLetterFactory(state="dossier_draft", dossier_deadline=now + timedelta(days=5))
    none = SubmittedLetterFactory()
    assert rows(manager_client.get(URL, {"o": "deadline"})) == [soon.pk, late.pk, none.pk]
    assert rows(manager_client.get(URL, {"o": "-deadline"})) == [late.pk, soon.pk, none.pk]


def test_sorting_by_reference_submitted_and_state(manager_client):
    now = timezone.now()
    first = SubmittedLetterFactory(reference="CMA-SN-2025-0001", letter_submitted_at=now - timedelta(days=9))
    second = SubmittedLetterFactory(
        reference="CMA-SN-2025-0002", letter_submitted_at=now - timedelta(days=1), state="li_rejected"
    )
    assert rows(manager_client.get(URL, {"o": "reference"})) == [first.pk, second.pk]
    assert rows(manager_client.get(URL, {"o": "-submitted"})) == [second.pk, first.pk]
    assert rows(manager_client.get(URL, {"o": "state"})) == [
        second.pk,
        first.pk,
    ]  # li_rejected < li_submitted


def test_sort_header_link_keeps_filters_and_toggles(manager_client):
    SubmittedLetterFactory()
    page = manager_client.get(URL, {"state": "li_submitted", "o": "title", "page": "1"}).content.decode()
    assert 'href="?state=li_submitted&amp;o=-title"' in page
    assert 'aria-sort="ascending"' in page


def test_pagination_25_per_page(manager_client):
    SubmittedLetterFactory.create_batch(27)
    first = manager_client.get(URL, {"o": "reference"})
    second = manager_client.get(URL, {"o": "reference", "page": 2})
    assert len(rows(first)) == 25 and len(rows(second)) == 2
    assert not set(rows(first)) & set(rows(second))
    assert "fr-pagination" in first.content.decode()
    assert "27 candidatures" in first.content.decode()
    # Out of range: the last page, not an error.
    assert rows(manager_client.get(URL, {"o": "reference", "page": 99})) == rows(second)


def _queries_for_list(client) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL)
    assert response.status_code == 200
    return len(context)


def test_list_query_count_is_constant(manager_client):
    SubmittedLetterFactory()
    with_one = _queries_for_list(manager_client)
    wave = WaveFactory()
    for n in range(19):
        SubmittedLetterFactory(
            wave=wave,
            lead_organisation=OrganisationFactory(),
            actions=list(Action.objects.filter(number__in=[1 + n % 5, 3])),
        )
    with_twenty = _queries_for_list(manager_client)
    assert len(rows(manager_client.get(URL))) == 20
    assert with_twenty == with_one


def test_csv_export_of_filtered_list(manager_client):
    SubmittedLetterFactory(title='=HYPERLINK("x")', lead_organisation=OrganisationFactory(region="BRE"))
    SubmittedLetterFactory(title="Hors filtre")
    response = manager_client.get("/instruction/export.csv", {"region": "BRE"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Hors filtre" not in text
    assert "'=HYPERLINK" in text  # neutralised formula
    assert text.splitlines()[0].startswith("Référence;Titre")


def test_csv_export_refused_to_applicants(client_for):
    assert client_for(UserFactory()).get("/instruction/export.csv").status_code == 403
