"""Every form of the project, posted with random and hostile values (issue 10, "Build also").

Forms are discovered, not listed: every page of the URL × role policy (tests/test_url_permissions.py)
and allauth's account pages are fetched as a role that may see them, and each `<form method="post">`
found is recorded under the URL name its action resolves to, with its field names and the choices
its selects, radios and checkboxes offer. Every URL that accepts a POST must have been found that
way (`test_every_post_url_has_a_discovered_form`).

Then, for each form, as a role that may post it, hypothesis posts values drawn from: huge and
negative integers, NaN and infinities, NUL bytes, unicode, very long strings, markup, dates that
do not exist, the form's own valid choices, lists where a scalar is expected, wrong field names and
missing fields. Each post runs in a savepoint rolled back afterwards. Asserted for every post:

- never a 500 (the test client re-raises the view's exception);
- a refusal (a page other than a redirect, or a redirect carrying an error message) is in French
  and leaves every table's row count unchanged: nothing half-saved;
- no page or message carries Django's or allauth's English error texts.

Examples per form: FUZZ_EXAMPLES (default 6). docs/security.md gives the figures and the command.
The same module runs on PostgreSQL in CI; `test_fuzz_also_passes_on_sqlite` re-runs it on SQLite
there (SQLite is where out-of-range integers raised OverflowError).
"""

import html
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.test_url_permissions import (  # noqa: F401 — fixtures used by this module
    ADMIN,
    ANON,
    COEDITOR,
    FORM,
    OTHER,
    OWNER,
    PAGE,
    PM,
    POLICY,
    POST,
    REVIEWER,
    _media_root,
    data,
    media_dir,
    url_for,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
# FUZZ_NO_SHRINK=1 reports the first failing post as found (faster when exploring).
PHASES = (
    [Phase.explicit, Phase.reuse, Phase.generate]
    if os.environ.get("FUZZ_NO_SHRINK")
    else [Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink]
)

# Forms whose only field is the CSRF token, shown only when the action is possible: posted with
# invented fields at their URL (submitting a complete dossier would render its PDF on each post).
FIELDLESS = {"applications:dossier_submit"}
# Forms shown only in states the discovery pages do not reach (a draft in a closed wave; the grant
# agreement's steps): posted with invented fields at their URL, like the fieldless ones.
UNDISCOVERED = {
    "applications:letter_move",
    "applications:resubmit",  # shown only on a NO GO letter
    "grants:upload_signed",
    "grants_staff:countersign",
    "grants_staff:prepare",
    "grants_staff:report_accept",
    "grants_staff:report_correction",
    "grants_staff:schedule",
    "grants_staff:send",
    "grants_staff:start",
    # The dataset's dossier has a validated consensus and a released summary (the role matrix
    # needs them): naming a rapporteur, writing, sending back, validating and rewording are
    # past, so their forms are no longer shown.
    "evaluation:consensus",
    "selection:consensus_send_back",
    "selection:consensus_validate",
    "selection:rapporteur",
    "selection:summary",
}

# allauth's account pages that the portal offers (login, sign-up, password and address
# management, login by code) and who opens them.
ALLAUTH_PAGES = {
    "account_login": ANON,
    "account_signup": ANON,
    "account_reset_password": ANON,
    "account_request_login_code": ANON,
    "account_logout": OWNER,
    "account_email": OWNER,
    "account_change_password": OWNER,
}

# Pages that are not HTML (files, feeds, exports, probes): nothing to discover there.
NOT_HTML = re.compile(r"(export|csv|pdf|zip|document|attachment|calendar_feed|healthz|readyz|letter$)")

# The role that posts each form: the first of these the policy allows.
POSTER_PREFERENCE = (OWNER, PM, ADMIN, REVIEWER, COEDITOR, OTHER)

# Tables whose rows a refused request may legitimately add: sessions (a login page sets one) and
# the record of refused logins (cma_portal/lockouts.py).
NOT_COUNTED = {"sessions.session", "cma_portal.loginlockout"}

ENGLISH_TELLTALES = (
    "This field is required",
    "Enter a whole number",
    "Enter a number",
    "Enter a valid",
    "Select a valid choice",
    "Ensure this value",
    "Ensure that there are no more than",
    "Null characters are not allowed",
    "is not a valid value",
    "The submitted data was not a file",
    "Too many failed login attempts",
    "Bad Request",
    "Server Error",
)


# --- Discovery ----------------------------------------------------------------------------------


class FormParser(HTMLParser):
    """`<form method="post">` → action and fields: name → (input type, offered values)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = {"action": a.get("action") or "", "fields": {}}
                self.forms.append(self._form)
            return
        if self._form is None:
            return
        fields = self._form["fields"]
        name = a.get("name")
        if tag in ("input", "button", "textarea") and name:
            kind = a.get("type", "text") if tag == "input" else tag
            entry = fields.setdefault(name, {"type": kind, "values": []})
            if a.get("value") not in (None, ""):
                entry["values"].append(a["value"])
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, {"type": "select", "values": []})
        elif tag == "option" and self._select and a.get("value") not in (None, ""):
            fields[self._select]["values"].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


# Forms shown only to a particular person: account deletion to someone with no submitted
# application, a staff invitation to the invited address.
ROLE_OVERRIDES = {"profile:delete": "fresh", "profile:invitation": "invitee"}


def poster(name: str) -> str | None:
    if name in ROLE_OVERRIDES:
        return ROLE_OVERRIDES[name]
    if name in ALLAUTH_PAGES:
        return ALLAUTH_PAGES[name]
    rule = POLICY.get(name)
    if rule is None:
        return None
    allowed = rule.who_may_post
    return next((r for r in POSTER_PREFERENCE if r in allowed), ANON if ANON in allowed else None)


def page_role(name: str) -> str | None:
    if name in ROLE_OVERRIDES:
        return ROLE_OVERRIDES[name]
    if name in ALLAUTH_PAGES:
        return ALLAUTH_PAGES[name]
    allowed = POLICY[name].allowed
    return next((r for r in POSTER_PREFERENCE if r in allowed), ANON if ANON in allowed else None)


# Per-URL objects: each form is fuzzed where it is live (a letter form on a draft letter, the
# screening forms on a submitted letter, …); others use tests/test_url_permissions.py's dataset.
def fuzz_url(name: str, d) -> str:
    extra = d["fuzz"]
    by_app = {
        "applications:letter_edit": "letter_draft",
        "applications:withdraw": "letter_draft",
        "applications:collaborators": "letter_draft",
        "instruction:request_correction": "letter_submitted",
        "instruction:go": "letter_submitted",
        "instruction:no_go": "letter_submitted",
        "instruction:add_note": "letter_submitted",
        "instruction:post_message": "letter_submitted",
        "instruction:detail": "letter_submitted",
        "instruction:extend_deadline": "dossier_draft",
        "selection:dossier": "review_dossier",
        "selection:assign": "review_dossier",
        "selection:decide": "review_dossier",
        "evaluation:assignment": "assignment_new",
        "evaluation:declare": "assignment_new",
        "selection:withdraw": "assignment_new",
        "evaluation:review": "assignment_declared",
        "pilotage:wave_open_now": "future_wave",
    }
    if name in by_app:
        return reverse(name, kwargs={"pk": extra[by_app[name]].pk})
    if name == "applications:collaborator_delete":
        row = extra["collaborator"]
        return reverse(name, kwargs={"pk": row.application_id, "collaborator_id": row.pk})
    if name.startswith("applications:dossier") and name != "applications:dossier_document":
        app = extra["dossier_draft"]
        if name == "applications:dossier_document_remove":
            document = app.documents.filter(kind="other", is_current=True).first()
            return reverse(name, kwargs={"pk": app.pk, "document_pk": document.pk})
        return reverse(name, kwargs={"pk": app.pk})
    if name in ALLAUTH_PAGES:
        return reverse(name)
    return url_for(name, d)


def login(client, d, role):
    client.logout()
    user = d["users"][role]
    if user is not None:
        client.force_login(user)


@pytest.fixture(scope="module")
def fuzz_data(data, django_db_blocker):  # noqa: F811 — the imported fixture
    """The permission test's dataset, plus the states where the applicant and screening forms are
    live: a letter draft, a submitted letter and a dossier draft of the same owner."""
    from datetime import timedelta

    from django.utils import timezone

    from reviews.services.assignments import assignment_create, assignment_declare
    from reviews.services.reviews import review_start
    from tests.factories import (
        ApplicationFactory,
        CollaboratorFactory,
        SubmittedDossierFactory,
        SubmittedLetterFactory,
        UserFactory,
        WaveFactory,
        rich_dossier_application,
    )

    with django_db_blocker.unblock():
        owner, pm, reviewer_user = data["users"][OWNER], data["users"][PM], data["users"][REVIEWER]
        letter_draft = ApplicationFactory(owner=owner)
        due = timezone.now() + timedelta(days=20)
        review_dossier = SubmittedDossierFactory(owner=owner)
        declared_dossier = SubmittedDossierFactory(owner=owner)
        declared = assignment_create(
            application=declared_dossier, reviewer=reviewer_user, due_at=due, actor=pm
        )
        assignment_declare(assignment=declared, conflict=False, reason="", actor=reviewer_user)
        review_start(assignment=declared)  # what opening the review page does
        data["users"]["fresh"] = UserFactory()
        data["users"]["invitee"] = UserFactory(email="nouvel-expert@exemple.fr")
        data["fuzz"] = {
            "letter_draft": letter_draft,
            "collaborator": CollaboratorFactory(application=letter_draft),
            "letter_submitted": SubmittedLetterFactory(owner=owner),
            "dossier_draft": rich_dossier_application(owner=owner, documents=2),
            "review_dossier": review_dossier,
            "assignment_new": assignment_create(
                application=review_dossier, reviewer=reviewer_user, due_at=due, actor=pm
            ),
            "assignment_declared": declared,
            "future_wave": WaveFactory(
                opens_at=timezone.now() + timedelta(days=10), closes_at=timezone.now() + timedelta(days=70)
            ),
        }
    return data


@pytest.fixture(scope="module")
def discovered(fuzz_data, django_db_blocker):
    """URL name → {"path", "fields"}: every post form found on the pages of the policy."""
    found: dict[str, dict] = {}
    client = Client()
    pages = [
        (n, page_role(n), None)
        for n, r in POLICY.items()
        # Pages nobody may open (e.g. /metrics, for the scraper only) hold no form to fuzz.
        if r.kind in (PAGE, FORM) and not NOT_HTML.search(n) and page_role(n) is not None
    ]
    pages += [(n, page_role(n), None) for n in ALLAUTH_PAGES]
    # The screening page of a dossier in draft (deadline extension).
    pages.append(("instruction:detail", PM, ("pk", "dossier_draft")))
    with django_db_blocker.unblock():
        for name, role, kwarg in pages:
            with transaction.atomic():
                login(client, fuzz_data, role)
                if kwarg:
                    path = reverse(name, kwargs={kwarg[0]: fuzz_data["fuzz"][kwarg[1]].pk})
                else:
                    path = fuzz_url(name, fuzz_data)
                response = client.get(path)
                transaction.set_rollback(True)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = FormParser()
            parser.feed(response.content.decode())
            for form in parser.forms:
                action = urlsplit(form["action"]).path or path
                try:
                    match = resolve(action)
                except Resolver404:
                    continue
                entry = found.setdefault(match.view_name, {"path": action, "fields": {}})
                for field, spec in form["fields"].items():
                    known = entry["fields"].setdefault(field, {"type": spec["type"], "values": []})
                    known["values"] = sorted(set(known["values"]) | set(spec["values"]))
    return found


def post_targets() -> list[str]:
    names = [n for n, r in POLICY.items() if r.kind in (FORM, POST)]
    return sorted(set(names) | {n for n in ALLAUTH_PAGES if n != "account_logout"} | {"account_logout"})


# --- Values -------------------------------------------------------------------------------------

HOSTILE = [
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775808",
    "2147483648",
    "-1",
    "0",
    "1.5",
    "1,5",
    "1e308",
    "-1e-308",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "0x1F",
    "١٢٣",  # Arabic-Indic digits: int() accepts them
    "9" * 5000,  # past Python's int-from-string digit limit
    "\x00",
    "a\x00b",
    "\x00" * 20,
    "",
    " ",
    "\t\r\n",
    "é" * 300,
    "🙂🏥" * 50,
    "\u202etxt.exe",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://evil.example")',
    "2024-13-45",
    "31/02/2024",
    "0000-00-00T00:00",
    "true",
    "on",
    "[]",
    "{}",
    "null",
    "../../etc/passwd",
    "x" * 70_000,
]

text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
integers = st.integers(min_value=-(2**80), max_value=2**80).map(str)
scalar = st.one_of(st.sampled_from(HOSTILE), text, integers)


def field_value(spec):
    """A value for one field: hostile, random, or one of the form's own choices; sometimes a list
    where one value is expected, sometimes nothing at all."""
    choices = [v for v in spec["values"] if v]
    one = st.one_of(scalar, st.sampled_from(choices)) if choices else scalar
    return st.one_of(one, one, st.lists(one, min_size=2, max_size=3), st.just(None))


def payloads(fields: dict):
    names = sorted(fields)
    if not names:
        return st.dictionaries(text.filter(bool), scalar, max_size=4)

    @st.composite
    def build(draw):
        payload = {}
        for name in names:
            value = draw(field_value(fields[name]))
            if value is not None:
                payload[name] = value
        if draw(st.booleans()):
            payload[draw(text.filter(bool))] = draw(scalar)
        return payload

    return build()


# --- Checks -------------------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    return {
        m._meta.label_lower: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in NOT_COUNTED
    }


def queued_messages(response) -> list:
    storage = getattr(response.wsgi_request, "_messages", None)
    return list(getattr(storage, "_queued_messages", []))


def check_post(name, payload, response, before, after):
    status = response.status_code
    where = f"POST {name} → {status} with {sorted(payload)}"
    assert status < 500, where
    messages = queued_messages(response)
    errors = [m for m in messages if m.level >= message_levels.WARNING]
    refused = status != 302 or bool(errors)
    for message in messages:
        assert not any(t in str(message) for t in ENGLISH_TELLTALES), f"{where}: English message {message}"
    if status != 302 and "html" in response.get("Content-Type", ""):
        page = html.unescape(response.content.decode())
        assert '<html lang="fr"' in page, f"{where}: not a French page"
        leaked = [t for t in ENGLISH_TELLTALES if t in page]
        assert not leaked, f"{where}: English error text {leaked}"
    if refused:
        changed = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
        assert not changed, f"{where}: refused, yet rows changed {changed}"


# --- Tests --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_post_url_has_a_discovered_form(discovered):
    """Each URL that accepts a POST was found as a form on some page, so the fuzz below posts
    the fields the page really sends (and not only invented ones)."""
    missing = [
        name for name in post_targets() if name not in discovered and name not in FIELDLESS | UNDISCOVERED
    ]
    assert not missing, f"no form found for {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", post_targets())
def test_hostile_posts_never_break_a_form(fuzz_data, discovered, name):
    role = poster(name)
    form = discovered.get(name) or {"path": fuzz_url(name, fuzz_data), "fields": {}}
    client = Client()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=PHASES,
        suppress_health_check=list(HealthCheck),
    )
    @given(payload=payloads(form["fields"]))
    def post_hostile(payload):
        cache.clear()  # rate limits of one example must not refuse the next
        with transaction.atomic():
            login(client, fuzz_data, role)
            before = row_counts()
            response = client.post(form["path"], payload)
            after = row_counts()
            transaction.set_rollback(True)
        check_post(name, payload, response, before, after)

    post_hostile()


@pytest.mark.postgres
def test_fuzz_also_passes_on_sqlite():
    """CI runs the suite on PostgreSQL; out-of-range integers broke SQLite only: run this module
    on SQLite as well."""
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REQUIRE_ALL_TESTS")}
    env["TESTING"] = "true"
    # Fewer examples on this second pass keep CI's fuzz time modest (docs/security.md).
    env["FUZZ_EXAMPLES"] = os.environ.get("FUZZ_EXAMPLES_SQLITE", "5")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(Path(__file__)),
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not postgres",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
