"""Every list, queue, dashboard and detail page runs the same number of queries with 1 and with
50 applications (shown on one page, `per_page=100`), and at most 12. The data come from the
benchmark builders (`applications.demo_bulk`, `reviews.demo_bulk`), so the rows have what the
pages show: lead organisations, actions, three submitted reviews, decisions, documents."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.demo_bulk import seed_bulk
from applications.models import Application
from applications.states import State
from reviews.demo_bulk import seed_bulk_reviews
from reviews.models import Assignment
from tests.factories import UserFactory, WaveFactory, administrator, covering_reviewer, programme_manager

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12
# The staff page of an application shows thirteen kinds of things (documents, actions, volets,
# partners, submissions, history, notes, messages, co-editors…) beside the session's user and
# the access check: one query each.
MAX_DETAIL_QUERIES: dict[str, int] = {}
STATES = [State.SELECTED, State.UNDER_REVIEW, State.DOSSIER_SUBMITTED, State.NOT_SELECTED, State.WAITLISTED]


@pytest.fixture
def world():
    """A wave, one user per role, and `grow(n)` to bring the benchmark applications to n."""
    wave = WaveFactory()
    people = {
        "applicant": UserFactory(),
        "manager": programme_manager(),
        "reviewer": covering_reviewer(),
        "admin": administrator(),
    }

    def grow(count):
        seed_bulk(count, wave=wave, applicant=people["applicant"], states=STATES, applicant_every=1)
        seed_bulk_reviews(count=count, demo_reviewer=people["reviewer"], manager=people["manager"])

    grow(1)
    return wave, people, grow


def _queries(client, user, url, params=None) -> tuple[int, str]:
    client.force_login(user)
    # The first request of a session stamps it (staff idle timeout, once a minute): measure a
    # page view in a session already under way.
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    import os

    if os.environ.get("SHOW_QUERIES"):
        for q in ctx.captured_queries:
            print("Q:", q["sql"][:160])
    return len(ctx), response.content.decode()


# (name, role, kwargs(wave, first application, first assignment), query, marker of one row)
LISTS = [
    ("instruction:letters", "manager", None, {"per_page": "100"}, "/instruction/candidatures/"),
    (
        "instruction:letters",
        "manager",
        None,
        {"per_page": "100", "o": "-submitted", "state": "selected"},
        None,
    ),
    ("selection:dossiers", "manager", None, {"per_page": "100"}, "/instruction/selection/dossiers/"),
    ("selection:dossiers", "manager", None, {"per_page": "100", "state": "selected", "score_min": "0"}, None),
    ("selection:ranking", "manager", "wave", {"per_page": "100"}, "/instruction/selection/dossiers/"),
    ("evaluation:queue", "reviewer", None, {"per_page": "100"}, "/evaluation/affectations/"),
    ("applications:dashboard", "applicant", None, {"per_page": "100"}, "/candidatures/"),
    ("pilotage:dashboard", "admin", None, None, None),
    ("pilotage:users", "admin", None, None, None),
    ("pilotage:questions", "admin", None, {"per_page": "100"}, None),
    ("grids:list", "admin", None, {"per_page": "100"}, None),
    ("pilotage:email_templates", "admin", None, {"per_page": "50"}, None),
    ("laureates:list", None, None, None, None),
]


def _url(name, kind, wave):
    return reverse(name), ({"wave": wave.pk} if kind == "wave" else {})


@pytest.mark.parametrize("name,role,kind,params,marker", LISTS)
def test_list_query_count_is_constant_and_small(client, world, name, role, kind, params, marker):
    wave, people, grow = world
    user = people[role] if role else None
    url, extra = _url(name, kind, wave)
    query = {**(params or {}), **extra}
    if user is None:
        one, page_one = _anonymous(client, url, query)
    else:
        one, page_one = _queries(client, user, url, query)
    grow(50)
    if user is None:
        fifty, page_fifty = _anonymous(client, url, query)
    else:
        fifty, page_fifty = _queries(client, user, url, query)
    assert one == fifty, f"{name}: {one} queries with 1 application, {fifty} with 50"
    assert fifty <= MAX_QUERIES, f"{name}: {fifty} queries"
    if marker:  # the page really lists more rows now
        assert page_fifty.count(marker) > page_one.count(marker)


def _anonymous(client, url, query):
    client.logout()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(ctx), response.content.decode()


def _first(people):
    application = Application.objects.filter(acronym="BENCH-00001").get()
    assignment = Assignment.objects.filter(reviewer=people["reviewer"], application=application).first()
    return application, assignment


DETAILS = [
    ("instruction:detail", "manager", "application"),
    ("selection:dossier", "manager", "application"),
    ("applications:detail", "applicant", "application"),
    ("applications:dossier", "applicant", "application"),
    ("evaluation:assignment", "reviewer", "assignment"),
    ("evaluation:review", "reviewer", "assignment"),
    # Issue 15: the consensus beside the reviews, and the applicant's summary (the benchmark
    # dossiers have a validated consensus, their rapporteur the demo reviewer where they review).
    ("evaluation:consensus", "reviewer", "assignment"),
    ("selection:consensus", "manager", "application"),
    ("selection:summary", "manager", "application"),
]


@pytest.mark.parametrize("name,role,target", DETAILS)
def test_detail_query_count_is_constant_and_small(client, world, name, role, target):
    """The detail pages of the first application do not depend on how many others there are."""
    wave, people, grow = world
    application, assignment = _first(people)
    obj = application if target == "application" else assignment
    assert obj is not None
    url = reverse(name, args=[obj.pk])
    one, _page = _queries(client, people[role], url)
    grow(50)
    fifty, _page = _queries(client, people[role], url)
    assert one == fifty, f"{name}: {one} queries with 1 application, {fifty} with 50"
    assert fifty <= MAX_DETAIL_QUERIES.get(name, MAX_QUERIES), f"{name}: {fifty} queries"


def test_page_size_is_bounded_to_the_offered_choices(client, world):
    wave, people, grow = world
    grow(60)
    _count, page = _queries(client, people["manager"], reverse("instruction:letters"), {"per_page": "5000"})
    assert page.count('href="/instruction/candidatures/') == 25
    _count, page = _queries(client, people["manager"], reverse("instruction:letters"), {"per_page": "50"})
    assert page.count('href="/instruction/candidatures/') == 50
    assert "Lignes par page" in page


EMAIL_PAGES = [
    ("pilotage:email_templates", []),
    ("pilotage:email_template_edit", ["decision_notice"]),
    ("pilotage:email_template_reset", ["decision_notice", "fr"]),
]


@pytest.mark.parametrize("name,args", EMAIL_PAGES)
def test_email_template_pages_query_count_is_constant_and_small(client, world, name, args):
    """The edited-email pages (issue 15) cost the same with 1 application and no edited email as
    with 51 applications and every email edited in both languages."""
    from cma_portal.email_registry import EDITABLE_EMAILS
    from cma_portal.models import EmailTemplateOverride

    wave, people, grow = world
    url = reverse(name, args=args)
    before, _page = _queries(client, people["admin"], url)
    grow(50)
    EmailTemplateOverride.objects.bulk_create(
        EmailTemplateOverride(name=n, language=lang, subject="s", body="b", updated_by=people["admin"])
        for n in EDITABLE_EMAILS
        for lang in ("fr", "en")
    )
    after, _page = _queries(client, people["admin"], url)
    assert before == after, f"{name}: {before} queries, then {after}"
    assert after <= MAX_QUERIES, f"{name}: {after} queries"
