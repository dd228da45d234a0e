"""Who may open which URL: one realistic dataset, every named URL of the project, every role.

The table `POLICY` below IS the access policy (docs/security.md repeats it in prose). Each named
URL pattern of the project must appear in it (`test_every_named_url_is_in_the_policy`), so that a
new URL cannot ship without someone deciding who may open it.

For each (URL, role): a GET, and for state-changing URLs a POST with empty data, each inside a
savepoint rolled back afterwards (so one request cannot change what the next one sees).
Asserted: never a 500; anonymous → login page unless public; a role not allowed → 403 or 404
(404 for another applicant on someone else's application, so that its existence does not
leak); a GET never records an AuditEvent; a POST refused records none either.

The dataset is built once for the module (WeasyPrint renders the submission PDF once) inside an
outer transaction rolled back at the end of the module; each test runs in a savepoint of it.
"""

import functools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cma_portal import roles
from cma_portal.models import AuditEvent
from tests.factories import (
    ApplicationFactory,
    CollaboratorFactory,
    SubmittedDossierFactory,
    UserFactory,
    administrator,
    blank_pdf_bytes,
    covering_reviewer,
    programme_manager,
    rich_dossier_application,
    submit_snapshot,
)
from tests.factories_questions import answered_question

# --- Roles ------------------------------------------------------------------------------------

ANON = "anonymous"
OWNER = "owner"
COEDITOR = "coeditor"
OTHER = "other_applicant"
REVIEWER = "reviewer_assigned"
REVIEWER_UNASSIGNED = "reviewer_unassigned"
REVIEWER_CONFLICTED = "reviewer_conflicted"
PM = "programme_manager"
ADMIN = "administrator"
# Staff whose session did not pass the second factor: no TOTP set up yet, or a session that
# skipped it. They see no application data anywhere (issue: staff capability = second factor).
PM_NO_SECOND_FACTOR = "programme_manager_without_totp"
PM_SECOND_FACTOR_SKIPPED = "programme_manager_session_without_second_factor"
ADMIN_SECOND_FACTOR_SKIPPED = "administrator_session_without_second_factor"
WITHOUT_SECOND_FACTOR = (PM_NO_SECOND_FACTOR, PM_SECOND_FACTOR_SKIPPED, ADMIN_SECOND_FACTOR_SKIPPED)

ROLES = (ANON, OWNER, COEDITOR, OTHER, REVIEWER, REVIEWER_UNASSIGNED, REVIEWER_CONFLICTED, PM, ADMIN)
LOGGED_IN = frozenset(ROLES) - {ANON}
EVERYONE = frozenset(ROLES)
EDITORS = frozenset({OWNER, COEDITOR})
SCREENERS = frozenset({PM, ADMIN})
REVIEWERS = frozenset({REVIEWER, REVIEWER_UNASSIGNED, REVIEWER_CONFLICTED})
ONLY_ADMIN = frozenset({ADMIN})

# --- Policy -----------------------------------------------------------------------------------

PAGE = "page"  # GET only (reads)
FORM = "form"  # GET shows a form or a confirmation page, POST acts
POST = "post"  # POST only: a GET is refused with 405


@dataclass(frozen=True)
class Rule:
    kind: str
    allowed: frozenset  # roles who may open it (GET) / act (POST)
    post_allowed: frozenset | None = None  # when POST is narrower than GET
    hidden: bool = False  # a 404 to everyone, as if it did not exist (no login redirect)
    # Roles the view lets through but whose POST the service refuses (a redirect with a message;
    # nothing changes, which the test checks).
    refused_by_service: frozenset = frozenset()

    @property
    def who_may_post(self) -> frozenset:
        return self.allowed if self.post_allowed is None else self.post_allowed


def rule(kind, allowed, **kw):
    return Rule(kind, frozenset(allowed), **kw)


# The access policy: URL name → who may use it.
POLICY: dict[str, Rule] = {
    # Public pages and probes.
    "home": rule(PAGE, EVERYONE),
    "accessibility": rule(PAGE, EVERYONE),
    "legal_notice": rule(PAGE, EVERYONE),
    "healthz": rule(PAGE, EVERYONE),
    "readyz": rule(PAGE, EVERYONE),
    # Prometheus metrics: for the scraper's token only (tests/cma_portal/test_metrics.py); a 404
    # to every role, anonymous and administrators included.
    "metrics": rule(PAGE, frozenset(), hidden=True),
    "set_language": rule(FORM, EVERYONE),
    "actions:detail": rule(PAGE, EVERYONE),
    "waves:calendar": rule(PAGE, EVERYONE),
    "laureates:list": rule(PAGE, EVERYONE),
    # The token in the URL is the credential (calendar apps cannot log in).
    "profile:calendar_feed": rule(PAGE, EVERYONE),
    # allauth: a few key pages.
    "account_login": rule(PAGE, EVERYONE),
    "account_signup": rule(PAGE, EVERYONE),
    "account_logout": rule(PAGE, EVERYONE),
    "mfa_index": rule(PAGE, LOGGED_IN),
    # Every user's own pages.
    "profile:index": rule(FORM, LOGGED_IN),
    "profile:calendar_regenerate": rule(POST, LOGGED_IN),
    "profile:export": rule(PAGE, LOGGED_IN),
    "profile:delete": rule(FORM, LOGGED_IN),
    # Staff invitation: anonymous visitors see it with "sign up" / "log in" buttons (the token
    # is the credential); accepting needs a login; the page says when the address is not the
    # invited one.
    "profile:invitation": rule(FORM, EVERYONE, post_allowed=LOGGED_IN),
    "applications:dashboard": rule(PAGE, LOGGED_IN),
    "applications:letter_new": rule(FORM, LOGGED_IN),
    "applications:organisation_new": rule(FORM, LOGGED_IN),
    # Co-editor invitation: idem (acceptance checks the address).
    "applications:invitation": rule(FORM, EVERYONE, post_allowed=LOGGED_IN),
    # Organisations: members (and screeners read).
    "applications:organisation": rule(PAGE, {OWNER, *SCREENERS}),
    "applications:organisation_edit": rule(FORM, {OWNER}),
    # One application, applicant side: owner and co-editors; screeners read.
    "applications:detail": rule(PAGE, EDITORS | SCREENERS),
    "applications:history": rule(PAGE, EDITORS | SCREENERS),
    "applications:receipt": rule(PAGE, EDITORS | SCREENERS),
    "applications:submission_pdf": rule(PAGE, EDITORS | SCREENERS),
    "applications:submission_pdf_status": rule(PAGE, EDITORS | SCREENERS),
    "applications:submission_zip": rule(PAGE, EDITORS | SCREENERS),
    "applications:document": rule(PAGE, EDITORS | SCREENERS),
    "applications:dossier": rule(PAGE, EDITORS | SCREENERS),
    "applications:dossier_document": rule(PAGE, EDITORS | SCREENERS),
    "applications:message_attachment": rule(PAGE, EDITORS | SCREENERS),
    # Screeners are sent to the staff thread.
    "applications:messages": rule(FORM, EDITORS | SCREENERS),
    "applications:letter_edit": rule(FORM, EDITORS),
    "applications:dossier_presentation": rule(POST, EDITORS),
    "applications:dossier_annex": rule(POST, EDITORS),
    "applications:dossier_partners": rule(POST, EDITORS),
    "applications:dossier_budget": rule(POST, EDITORS),
    "applications:dossier_training": rule(POST, EDITORS),
    "applications:dossier_milestones": rule(POST, EDITORS),
    "applications:dossier_documents": rule(POST, EDITORS),
    "applications:dossier_questions": rule(POST, EDITORS),
    "applications:dossier_document_remove": rule(POST, EDITORS),
    "applications:dossier_submit": rule(FORM, EDITORS),
    "applications:collaborators": rule(FORM, EDITORS, post_allowed=frozenset({OWNER})),
    "applications:collaborator_delete": rule(
        POST, {OWNER}, refused_by_service=frozenset({COEDITOR, *SCREENERS})
    ),
    "applications:withdraw": rule(FORM, {OWNER}),
    "applications:resubmit": rule(FORM, {OWNER}),
    # Moving a letter draft to another open wave (the empty POST of the test is refused by the form).
    "applications:letter_move": rule(POST, EDITORS),
    # The decision letter: the application's editors and screeners.
    "laureates:letter": rule(PAGE, EDITORS | SCREENERS),
    # Screening (/instruction/): programme managers and administrators.
    "instruction:letters": rule(PAGE, SCREENERS),
    "instruction:letters_export": rule(PAGE, SCREENERS),
    "instruction:bulk_message": rule(FORM, SCREENERS),
    "instruction:detail": rule(PAGE, SCREENERS),
    "instruction:document": rule(PAGE, SCREENERS),
    "instruction:request_correction": rule(POST, SCREENERS),
    "instruction:go": rule(POST, SCREENERS),
    "instruction:no_go": rule(POST, SCREENERS),
    "instruction:extend_deadline": rule(POST, SCREENERS),
    "instruction:add_note": rule(POST, SCREENERS),
    "instruction:post_message": rule(POST, SCREENERS),
    # Selection (/instruction/selection/).
    "selection:dossiers": rule(PAGE, SCREENERS),
    "selection:dossier": rule(PAGE, SCREENERS),
    "selection:ranking": rule(PAGE, SCREENERS),
    "selection:export": rule(PAGE, SCREENERS),
    "selection:assign": rule(POST, SCREENERS),
    "selection:decide": rule(POST, SCREENERS),
    "selection:withdraw": rule(POST, SCREENERS),
    "selection:auto_assign": rule(POST, SCREENERS),
    "selection:decide_bulk": rule(POST, SCREENERS),
    "selection:publish": rule(POST, SCREENERS),
    # Consensus and evaluation summary (issue 15): programme managers; the rapporteur writes it.
    "selection:consensus": rule(PAGE, SCREENERS),
    "selection:rapporteur": rule(POST, SCREENERS),
    "selection:consensus_validate": rule(POST, SCREENERS),
    "selection:consensus_send_back": rule(POST, SCREENERS),
    "selection:summary": rule(FORM, SCREENERS),
    # The dataset's assigned reviewer is the rapporteur (a reviewer who is not gets a 403:
    # tests/reviews/test_consensus.py).
    "evaluation:consensus": rule(FORM, {REVIEWER}),
    # The released evaluation summary as a PDF: the application's editors and screeners.
    "laureates:summary_pdf": rule(PAGE, EDITORS | SCREENERS),
    # Reviewers (/evaluation/): the queue for every reviewer, an assignment for its reviewer
    # only (unassigned: 404; conflicted: 404 here, 403 on their own, see below).
    "evaluation:queue": rule(PAGE, REVIEWERS),
    "evaluation:assignment": rule(PAGE, {REVIEWER}),
    "evaluation:document": rule(PAGE, {REVIEWER}),
    "evaluation:review": rule(FORM, {REVIEWER}),
    "evaluation:declare": rule(POST, {REVIEWER}),
    # Steering (/pilotage/): the dashboard for screeners, everything else administrators only.
    "pilotage:dashboard": rule(PAGE, SCREENERS),
    "pilotage:dashboard_csv": rule(PAGE, SCREENERS),
    "pilotage:waves": rule(PAGE, ONLY_ADMIN),
    "pilotage:wave_create": rule(FORM, ONLY_ADMIN),
    "pilotage:wave_edit": rule(FORM, ONLY_ADMIN),
    "pilotage:wave_open_now": rule(POST, ONLY_ADMIN),
    "pilotage:wave_extend": rule(FORM, ONLY_ADMIN),
    "pilotage:wave_close": rule(FORM, ONLY_ADMIN),
    "pilotage:users": rule(PAGE, ONLY_ADMIN),
    "pilotage:user_invite": rule(FORM, ONLY_ADMIN),
    "pilotage:user_roles": rule(FORM, ONLY_ADMIN),
    "pilotage:user_set_active": rule(POST, ONLY_ADMIN),
    "pilotage:questions": rule(PAGE, ONLY_ADMIN),
    "pilotage:question_create": rule(FORM, ONLY_ADMIN),
    "pilotage:question_edit": rule(FORM, ONLY_ADMIN),
    "pilotage:question_set_active": rule(POST, ONLY_ADMIN),
    "pilotage:pages": rule(PAGE, ONLY_ADMIN),
    "pilotage:page_edit": rule(FORM, ONLY_ADMIN),
    # Edited emails (issue 15): administrators only.
    "pilotage:email_templates": rule(PAGE, ONLY_ADMIN),
    "pilotage:email_template_edit": rule(FORM, ONLY_ADMIN),
    "pilotage:email_template_reset": rule(FORM, ONLY_ADMIN),
    "grids:list": rule(PAGE, ONLY_ADMIN),
    "grids:create": rule(FORM, ONLY_ADMIN),
    "grids:detail": rule(FORM, ONLY_ADMIN),
    # Grant phase (issue 14). Open data: everyone.
    "opendata:subventions_csv": rule(PAGE, EVERYONE),
    "opendata:subventions_json": rule(PAGE, EVERYONE),
    # The laureate's pages: editors act, screeners read; the owner alone submits a report.
    "grants:agreement": rule(PAGE, EDITORS | SCREENERS),
    "grants:pdf": rule(PAGE, EDITORS | SCREENERS),
    "grants:signed_file": rule(PAGE, EDITORS | SCREENERS),
    "grants:upload_signed": rule(POST, EDITORS | SCREENERS),
    "grants:report": rule(FORM, EDITORS | SCREENERS),
    "grants:report_submit": rule(POST, EDITORS | SCREENERS),
    "grants:report_document": rule(POST, EDITORS | SCREENERS),
    "grants:report_document_file": rule(PAGE, EDITORS | SCREENERS),
    # Staff pages under /instruction/conventions/.
    **{
        f"grants_staff:{name}": rule(PAGE, SCREENERS)
        for name in ("agreements", "overdue", "agreement", "report")
    },
    "grants_staff:prepare": rule(FORM, SCREENERS),
    **{
        f"grants_staff:{name}": rule(POST, SCREENERS)
        for name in (
            "schedule",
            "send",
            "countersign",
            "start",
            "close",
            "terminate",
            "report_accept",
            "report_correction",
            "instalment_paid",
        )
    },
}

# allauth's own pages are allauth's business; these few are in the table above.
ALLAUTH_KEPT = {"account_login", "account_signup", "account_logout", "mfa_index"}


@functools.cache
def named_urls() -> dict[str, tuple[str, ...]]:
    """Every named URL pattern of the project (admin and most of allauth aside) → kwarg names."""
    found: dict[str, tuple[str, ...]] = {}

    def walk(patterns, namespace, kwargs):
        for p in patterns:
            names = tuple(getattr(p.pattern, "converters", {}) or p.pattern.regex.groupindex)
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns, kwargs + names)
            elif isinstance(p, URLPattern) and p.name:
                found[f"{namespace}{p.name}"] = kwargs + names

    walk(get_resolver().url_patterns, "", ())
    return {
        name: kw
        for name, kw in found.items()
        if not name.startswith("admin:")
        and (not name.startswith(("account_", "mfa_", "socialaccount_")) or name in ALLAUTH_KEPT)
    }


# --- Dataset ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("permissions-media")


@pytest.fixture(autouse=True)
def _media_root(settings, media_dir):
    """Overrides the conftest's per-test media directory: the module's files live in one."""
    settings.MEDIA_ROOT = media_dir
    settings.STAFF_REQUIRE_MFA = True


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker, media_dir):
    """An application at the selection stage with everything around it. Built once, inside a
    transaction rolled back after the module."""
    from applications.models import Document
    from applications.pdf import submission_render_pdf
    from applications.services import messages as message_services
    from grants.services.reports import report_document_add
    from pilotage.services import email_template_save, invitation_create
    from reviews.models import Grid
    from reviews.services.assignments import assignment_create, assignment_declare
    from reviews.services.consensus import consensus_name_rapporteur, consensus_save, consensus_validate
    from reviews.services.decisions import decision_record
    from reviews.services.reviews import review_save, review_start
    from tests.grants.helpers import signed_agreement

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_dir):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            pm = programme_manager()
            admin = administrator()
            app = rich_dossier_application(state="dossier_submitted", dossier_submitted_at=timezone.now())
            owner = app.owner
            coeditor_row = CollaboratorFactory(application=app)
            pending = CollaboratorFactory(
                application=app, user=None, email="invite@exemple.fr", accepted_at=None
            )
            other = UserFactory()
            other_app = ApplicationFactory(owner=other)
            submission = submit_snapshot(app)
            submission = submission_render_pdf(submission_id=submission.pk)
            message_services.message_post(
                application=app,
                author=owner,
                body="Voici l'annexe demandée.",
                attachments=[
                    SimpleUploadedFile("annexe.pdf", blank_pdf_bytes(), content_type="application/pdf")
                ],
                as_staff=False,
            )
            attachment = app.documents.get(kind=Document.Kind.ATTACHMENT)
            presentation = app.documents.get(kind=Document.Kind.PRESENTATION, is_current=True)
            other_document = app.documents.filter(kind=Document.Kind.OTHER, is_current=True).first()
            due = timezone.now() + timedelta(days=20)
            reviewer_user = covering_reviewer()
            assignment = assignment_create(application=app, reviewer=reviewer_user, due_at=due, actor=pm)
            assignment_declare(assignment=assignment, conflict=False, reason="", actor=reviewer_user)
            review = review_start(assignment=assignment)
            review_save(
                review=review,
                scores={s.criterion_id: (4, "Solide.") for s in review.scores.all()},
                overall_opinion="Projet solide et bien construit.",
                recommendation="fund",
                actor=reviewer_user,
                submit=True,
            )
            conflicted_user = covering_reviewer()
            conflicted = assignment_create(application=app, reviewer=conflicted_user, due_at=due, actor=pm)
            assignment_declare(
                assignment=conflicted,
                conflict=True,
                reason="Ancien collègue du porteur.",
                actor=conflicted_user,
            )
            unassigned_user = covering_reviewer()
            # The assigned reviewer is the rapporteur; their consensus is validated before the
            # decision, which releases the evaluation summary to the applicant.
            consensus = consensus_name_rapporteur(application=app, assignment=assignment, actor=pm)
            consensus = consensus_save(
                consensus=consensus,
                scores={s.criterion_id: (4, "Consensus solide.") for s in consensus.scores.all()},
                overall_opinion="Consensus : projet solide.",
                actor=reviewer_user,
                submit=True,
            )
            consensus_validate(consensus=consensus, actor=pm)
            decision = decision_record(
                application=app,
                outcome="selected",
                aid_granted=Decimal("100000.00"),
                rationale="Projet retenu par le comité.",
                actor=pm,
            )
            agreement = signed_agreement(app, pm)
            grant_report = agreement.reports.order_by("number").first()
            report_document = report_document_add(
                report=grant_report,
                actor=owner,
                uploaded_file=SimpleUploadedFile(
                    "piece.pdf", blank_pdf_bytes(), content_type="application/pdf"
                ),
                page_count=1,
            )
            invitation = invitation_create(
                actor=admin, email="nouvel-expert@exemple.fr", role=roles.REVIEWER, actions=[]
            )
            # An edited email, so that its reset page offers its confirmation form.
            email_template_save(
                name="decision_notice",
                language="fr",
                subject="Décision sur {{ reference }}",
                body="{{ outcome_sentence }}\n",
                actor=admin,
            )
            yield {
                "users": {
                    ANON: None,
                    OWNER: owner,
                    COEDITOR: coeditor_row.user,
                    OTHER: other,
                    REVIEWER: reviewer_user,
                    REVIEWER_UNASSIGNED: unassigned_user,
                    REVIEWER_CONFLICTED: conflicted_user,
                    PM: pm,
                    ADMIN: admin,
                    PM_NO_SECOND_FACTOR: programme_manager(mfa=False),
                    PM_SECOND_FACTOR_SKIPPED: programme_manager(),
                    ADMIN_SECOND_FACTOR_SKIPPED: administrator(),
                },
                "app": app,
                "other_app": other_app,
                "submission": submission,
                "attachment": attachment,
                "presentation": presentation,
                "other_document": other_document,
                "assignment": assignment,
                "conflicted": conflicted,
                "decision": decision,
                "coeditor_row": coeditor_row,
                "pending": pending,
                "invitation": invitation,
                "grid": Grid.objects.current().first(),
                "question": answered_question(app),
                "grant_report": grant_report,
                "report_document": report_document,
                "instalment": agreement.instalments.order_by("order").first(),
            }
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# kwarg → value, with per-URL overrides where the same kwarg names another object.
DEFAULT_KWARGS = {
    "pk": lambda d: d["app"].pk,
    "submission_id": lambda d: d["submission"].pk,
    "doc_id": lambda d: d["presentation"].pk,
    "document_pk": lambda d: d["presentation"].pk,
    "collaborator_id": lambda d: d["coeditor_row"].pk,
    "number": lambda d: 3,
    "slug": lambda d: "accessibilite",
    "table": lambda d: "entonnoir",
    "what": lambda d: "dossiers",
    "fmt": lambda d: "csv",
    "report_id": lambda d: d["grant_report"].pk,
    "document_id": lambda d: d["report_document"].pk,
    "instalment_id": lambda d: d["instalment"].pk,
    "template_name": lambda d: "decision_notice",
    "language": lambda d: "fr",
}
URL_KWARGS = {
    ("applications:organisation", "pk"): lambda d: d["app"].lead_organisation_id,
    ("applications:organisation_edit", "pk"): lambda d: d["app"].lead_organisation_id,
    ("applications:message_attachment", "document_pk"): lambda d: d["attachment"].pk,
    ("instruction:document", "document_pk"): lambda d: d["attachment"].pk,
    ("applications:dossier_document_remove", "document_pk"): lambda d: d["other_document"].pk,
    ("applications:invitation", "token"): lambda d: d["pending"].token,
    ("profile:invitation", "token"): lambda d: d["invitation"].token,
    ("profile:calendar_feed", "token"): lambda d: d["users"][OWNER].calendar_token,
    ("laureates:letter", "pk"): lambda d: d["decision"].pk,
    ("selection:withdraw", "pk"): lambda d: d["assignment"].pk,
    ("grids:detail", "pk"): lambda d: d["grid"].pk,
    ("pilotage:question_edit", "pk"): lambda d: d["question"].pk,
    ("pilotage:question_set_active", "pk"): lambda d: d["question"].pk,
    ("pilotage:user_roles", "pk"): lambda d: d["users"][OWNER].pk,
    ("pilotage:user_set_active", "pk"): lambda d: d["users"][OWNER].pk,
    **{
        (f"pilotage:{n}", "pk"): (lambda d: d["app"].wave_id)
        for n in ("wave_edit", "wave_open_now", "wave_extend", "wave_close")
    },
    **{
        (f"evaluation:{n}", "pk"): (lambda d: d["assignment"].pk)
        for n in ("assignment", "document", "review", "declare", "consensus")
    },
}


def url_for(name: str, data) -> str:
    kwargs = {}
    for kwarg in named_urls()[name]:
        source = URL_KWARGS.get((name, kwarg)) or DEFAULT_KWARGS.get(kwarg)
        if source is None:
            pytest.fail(f"{name}: no value for <{kwarg}>; add it to DEFAULT_KWARGS or URL_KWARGS")
        kwargs[kwarg] = source(data)
    return reverse(name, kwargs=kwargs)


# --- Checks -----------------------------------------------------------------------------------

LOGIN_PATH = "/compte/login/"


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN_PATH)


def on_someone_elses_application(name: str) -> bool:
    return (
        name.startswith(("applications:", "laureates:letter", "laureates:summary_pdf", "grants:"))
        and "pk" in named_urls()[name]
    )


def request_as(client, data, role, method, url):
    """The response and how many AuditEvents the request recorded; rolled back afterwards."""
    client.logout()
    user = data["users"][role]
    if user is not None:
        client.force_login(user)
    with transaction.atomic():
        before = AuditEvent.objects.count()
        response = client.get(url) if method == "GET" else client.post(url, {})
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        recorded = AuditEvent.objects.count() - before
        transaction.set_rollback(True)
    return response, recorded


def check(name, rule_, role, method, response, recorded):
    status = response.status_code
    where = f"{method} {name} as {role} → {status}"
    assert status < 500, where
    allowed = rule_.allowed if method == "GET" else rule_.who_may_post
    if method == "GET":
        assert recorded == 0, f"{where}: a GET recorded {recorded} audit event(s)"
    if rule_.hidden:
        assert status == 404, f"{where}: must not exist for a browser"
        return
    if role == ANON and ANON not in allowed:
        assert is_login_redirect(response), f"{where}: anonymous must be sent to the login page"
        return
    if method == "GET" and rule_.kind == POST:
        assert status in (403, 404, 405), f"{where}: a POST-only URL must refuse a GET"
        return
    if role in allowed:
        assert status in (200, 202, 302, 400, 409), where
        if status == 302:
            assert not is_login_redirect(response), f"{where}: allowed, yet sent to the login page"
        return
    if method == "POST" and role in rule_.refused_by_service:
        assert status == 302 and recorded == 0, f"{where}: the service must refuse, changing nothing"
        return
    expected = (404,) if role == OTHER and on_someone_elses_application(name) else (403, 404)
    assert status in expected, f"{where}: expected {expected}"
    assert recorded == 0, f"{where}: a refused request recorded {recorded} audit event(s)"


def cases(methods):
    return [
        pytest.param(name, role, method, id=f"{method}-{name}-{role}")
        for name, rule_ in POLICY.items()
        for method in methods
        if method == "GET" or rule_.kind in (FORM, POST)
        for role in ROLES
    ]


# --- Tests ------------------------------------------------------------------------------------


def test_every_named_url_is_in_the_policy():
    urls = named_urls()
    missing = sorted(set(urls) - set(POLICY))
    stale = sorted(set(POLICY) - set(urls))
    assert not missing, f"URLs without an access rule in POLICY: {missing}"
    assert not stale, f"POLICY names URLs that no longer exist: {stale}"
    unmapped = sorted(
        f"{name}<{kw}>"
        for name, kws in urls.items()
        for kw in kws
        if (name, kw) not in URL_KWARGS and kw not in DEFAULT_KWARGS
    )
    assert not unmapped, f"URL kwargs without a value in the dataset: {unmapped}"


def test_no_view_is_csrf_exempt():
    def callbacks(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from callbacks(p.url_patterns)
            else:
                yield p

    exempt = [
        str(p.pattern)
        for p in callbacks(get_resolver().url_patterns)
        if getattr(p.callback, "csrf_exempt", False) and not str(p.callback.__module__).startswith("allauth.")
    ]
    assert exempt == []


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "method"), cases(("GET", "POST")))
def test_url_permissions(client, data, name, role, method):
    rule_ = POLICY[name]
    response, recorded = request_as(client, data, role, method, url_for(name, data))
    check(name, rule_, role, method, response, recorded)


# --- Specific holes -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["assignment", "review", "document"])
def test_conflicted_reviewer_is_refused_on_their_own_assignment(client, data, view):
    client.force_login(data["users"][REVIEWER_CONFLICTED])
    kwargs = {"pk": data["conflicted"].pk}
    if view == "document":
        kwargs["document_pk"] = data["presentation"].pk
    assert client.get(reverse(f"evaluation:{view}", kwargs=kwargs)).status_code == 403


@pytest.mark.django_db
def test_reviewer_cannot_read_another_applications_files_through_their_assignment(client, data):
    """The document id must belong to the assigned dossier (no IDOR through the assignment)."""
    from tests.factories import attach_document

    foreign = attach_document(data["other_app"], name="secret.pdf")
    client.force_login(data["users"][REVIEWER])
    url = reverse("evaluation:document", kwargs={"pk": data["assignment"].pk, "document_pk": foreign.pk})
    assert client.get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "applications:document",
        "applications:dossier_document",
        "applications:message_attachment",
        "instruction:document",
    ],
)
def test_a_document_id_of_another_application_is_404(client, data, name):
    """Document ids are checked against the application in the URL."""
    from tests.factories import attach_document

    foreign = attach_document(data["other_app"], name="secret.pdf")
    client.force_login(data["users"][PM] if name.startswith("instruction:") else data["users"][OWNER])
    kwarg = "doc_id" if name == "applications:document" else "document_pk"
    url = reverse(name, kwargs={"pk": data["app"].pk, kwarg: foreign.pk})
    assert client.get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["applications:detail", "applications:history", "applications:messages", "applications:dashboard"]
)
def test_applicants_never_see_reviewer_identities(client, data, name):
    client.force_login(data["users"][OWNER])
    kwargs = {} if name == "applications:dashboard" else {"pk": data["app"].pk}
    page = client.get(reverse(name, kwargs=kwargs)).content.decode()
    for key in (REVIEWER, REVIEWER_CONFLICTED):
        user = data["users"][key]
        assert user.email not in page
        assert user.last_name not in page


@pytest.mark.django_db
def test_the_decision_letter_names_no_reviewer(data):
    from reviews.pdf import decision_letter_html

    html = decision_letter_html(data["decision"])
    for key in (REVIEWER, REVIEWER_CONFLICTED):
        assert data["users"][key].last_name not in html


@pytest.mark.django_db
def test_the_evaluation_summary_names_no_reviewer(data):
    from reviews.models import EvaluationSummary
    from reviews.pdf import evaluation_summary_html

    summary = EvaluationSummary.objects.get(application=data["app"])
    assert summary.released
    html = evaluation_summary_html(summary, data["app"])
    assert "Consensus : projet solide." in html
    for key in (REVIEWER, REVIEWER_CONFLICTED):
        assert data["users"][key].last_name not in html and data["users"][key].email not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/candidatures//evil.example/"]
)
def test_next_parameter_never_leaves_the_site(client, data, target):
    client.force_login(data["users"][OTHER])
    response = client.post(
        reverse("applications:organisation_new") + f"?next={target}",
        {
            "name": "Université de test",
            "kind": "university",
            "siret": "19751718800011",
            "region": "IDF",
            "address": "1 rue de test",
        },
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    client.logout()
    login = client.post(
        reverse("account_login") + f"?next={target}",
        {"login": data["users"][OTHER].email, "password": "motdepasse-de-test-42"},
    )
    # A path on this site (even "/candidatures//evil.example/") is fine; another host is not.
    location = urlsplit(login.get("Location", ""))
    assert not location.netloc and not location.scheme


@pytest.mark.django_db
def test_state_changes_need_a_csrf_token(data):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(data["users"][OWNER])
    response = csrf_client.post(
        reverse("applications:withdraw", kwargs={"pk": data["app"].pk}), {"note": "x"}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_calendar_feed_refuses_a_wrong_token(client, data):
    token = data["users"][OWNER].calendar_token
    assert client.get(reverse("profile:calendar_feed", kwargs={"token": token[:-1] + "x"})).status_code == 404


@pytest.mark.django_db
def test_staff_invitation_is_single_use_and_expires(client, data):
    from pilotage.services import PilotageError, invitation_accept, invitation_create

    invited = UserFactory(email="nouvel-expert@exemple.fr")
    invitation_accept(invitation=data["invitation"], user=invited)
    with pytest.raises(PilotageError):
        invitation_accept(invitation=data["invitation"], user=invited)
    late = invitation_create(
        actor=data["users"][ADMIN],
        email="tardif@exemple.fr",
        role=roles.REVIEWER,
        actions=[],
        at=timezone.now() - timedelta(days=365),
    )
    with pytest.raises(PilotageError):
        invitation_accept(invitation=late, user=UserFactory(email="tardif@exemple.fr"))


@pytest.mark.django_db
def test_bulk_decision_back_parameter_cannot_inject_a_header(client, data):
    client.force_login(data["users"][PM])
    response = client.post(reverse("selection:decide_bulk"), {"back": "?wave=1\r\nSet-Cookie: x=1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("selection:ranking")


@pytest.mark.django_db
def test_user_text_is_escaped_in_the_decision_letter(data):
    from reviews.pdf import decision_letter_html

    decision = data["decision"]
    decision.rationale = '<img src="file:///etc/passwd">Motifs'
    html = decision_letter_html(decision)
    assert "<img src=" not in html and "&lt;img" in html


@pytest.mark.django_db
def test_a_reviewer_sees_the_other_reviews_only_after_submitting_their_own(client, data):
    from reviews.services.assignments import assignment_declare
    from reviews.services.reviews import review_save, review_start
    from tests.reviews.helpers import assign, submitted_review

    dossier = SubmittedDossierFactory()
    first, second = data["users"][REVIEWER], data["users"][REVIEWER_UNASSIGNED]
    submitted_review(assign(dossier, first), 4)
    item = assign(dossier, second)
    assignment_declare(assignment=item, conflict=False, reason="", actor=second)
    client.force_login(second)
    url = reverse("evaluation:review", kwargs={"pk": item.pk})
    assert "Avis détaillé de l" not in client.get(url).content.decode()  # own review still a draft
    review = review_start(assignment=item)
    review_save(
        review=review,
        scores={s.criterion_id: (3, "") for s in review.scores.all()},
        overall_opinion="Mon avis.",
        recommendation="fund",
        actor=second,
        submit=True,
    )
    assert "Avis détaillé de l" in client.get(url).content.decode()


# --- Staff whose session did not pass the second factor ----------------------------------------

MFA_PATHS = ("/compte/2fa/",)


@pytest.mark.django_db
@pytest.mark.parametrize("role", WITHOUT_SECOND_FACTOR)
@pytest.mark.parametrize("name", [n for n, r in POLICY.items()])
def test_staff_without_second_factor_see_no_application_data(client, data, name, role):
    """Every named URL, GET, as staff whose session has no second factor: what a logged-in
    applicant with no application may see, never another person's application, file or
    review; staff pages send them to the TOTP set-up or the second-factor check."""
    from tests.conftest import login_without_second_factor

    client.logout()
    login_without_second_factor(client, data["users"][role])
    response = client.get(url_for(name, data))
    status = response.status_code
    where = f"GET {name} as {role} → {status}"
    assert status < 500, where
    if status == 302:
        location = response["Location"]
        assert not location.startswith(LOGIN_PATH) or POLICY[name].allowed == EVERYONE, where
        return
    if status in (403, 404, 405):
        return
    # A page they may open must be one every logged-in user may open, and show nothing of the
    # dossier under review.
    assert POLICY[name].allowed >= LOGGED_IN, f"{where}: a staff-only page answered"
    if name in ("profile:calendar_feed", "applications:invitation"):
        return  # the secret token in the URL is the credential, for anyone holding it
    if name.startswith("opendata:"):
        return  # signed agreements are public by law (décret 2017-779), for everyone
    body = (
        b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content
    )
    app = data["app"]
    for secret in filter(None, [app.title, app.reference]):
        assert secret.encode() not in body, f"{where}: shows the application {secret!r}"
    assert name == "profile:export" or not response.get("Content-Disposition"), f"{where}: a file was served"
