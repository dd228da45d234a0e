"""factory_boy factories for every model the tests create. No mocks: real rows."""

from datetime import timedelta
from decimal import Decimal

import factory
from allauth.mfa.models import Authenticator
from django.utils import timezone

from actions.models import Action
from applications.models import Application, Collaborator, Membership, Organisation
from cma_portal import roles
from cma_portal.models import User
from waves.models import Call, Wave

PASSWORD = "motdepasse-de-test-42"
# A valid base32 secret, so that real TOTP codes can be computed for staff users in tests.
TOTP_TEST_SECRET = "JBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@univ-exemple.fr")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs["email"] = kwargs["email"].lower()
        return super()._create(model_class, *args, **kwargs)

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Applicants have a verified primary address unless `verified=False`."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            obj.save()
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class StaffUserFactory(UserFactory):
    """A user with a staff role (`role=...`, default programme manager) and TOTP set up, as the
    staff middleware requires; `mfa=False` for one who has not set it up yet."""

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            roles.grant_role(obj, extracted or roles.PROGRAMME_MANAGER)

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            Authenticator.objects.create(
                user=obj, type=Authenticator.Type.TOTP, data={"secret": TOTP_TEST_SECRET}
            )


def programme_manager(**kwargs):
    return StaffUserFactory(role=roles.PROGRAMME_MANAGER, **kwargs)


def reviewer(**kwargs):
    return StaffUserFactory(role=roles.REVIEWER, **kwargs)


def administrator(**kwargs):
    return StaffUserFactory(role=roles.ADMINISTRATOR, **kwargs)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Université d'exemple {n}")
    kind = Organisation.Kind.UNIVERSITY
    siret = "19751718800011"  # passes the Luhn check
    region = Organisation.Region.IDF
    address = "1 rue de l'Université, 75005 Paris"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)


def current_call() -> Call:
    return Call.current()


class WaveFactory(factory.django.DjangoModelFactory):
    """A scheduled wave open now for two months, accepting every action."""

    class Meta:
        model = Wave
        skip_postgeneration_save = True

    call = factory.LazyFunction(current_call)
    name_fr = factory.Sequence(lambda n: f"Vague de test {n}")
    name_en = factory.Sequence(lambda n: f"Test wave {n}")
    mode = Wave.Mode.SCHEDULED
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=60))

    @factory.post_generation
    def actions(obj, create, extracted, **kwargs):
        if create:
            obj.actions.set(extracted if extracted is not None else Action.objects.all())


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A letter of intent in draft with its fields filled in (no document)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    wave = factory.SubFactory(WaveFactory)
    owner = factory.SubFactory(UserFactory)
    lead_organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Former au numérique en santé {n}")
    acronym = factory.Sequence(lambda n: f"FNS{n}")
    summary = "Un projet de formation en santé numérique pour les étudiants et les professionnels."
    estimated_total_cost = Decimal("1000000.00")
    estimated_aid_requested = Decimal("600000.00")
    planned_duration_months = 48
    people_trained_per_year = 300
    audience = "Étudiants en master d'informatique et professionnels de santé."

    @factory.post_generation
    def actions(obj, create, extracted, **kwargs):
        if create:
            obj.actions.set(extracted if extracted is not None else Action.objects.filter(number=3))

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        if create and obj.lead_organisation_id:
            Membership.objects.get_or_create(organisation=obj.lead_organisation, user=obj.owner)


class CollaboratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collaborator

    application = factory.SubFactory(ApplicationFactory)
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "invite@exemple.fr")
    accepted_at = factory.LazyFunction(timezone.now)


# --- reviews (issue 5) -------------------------------------------------------------------


def covering_reviewer(actions=None, **kwargs):
    """A reviewer (TOTP set up) who covers `actions` (default: every action)."""
    from reviews.services.grids import reviewer_set_actions

    user = reviewer(**kwargs)
    reviewer_set_actions(
        user=user, actions=actions if actions is not None else Action.objects.all(), actor=None
    )
    return user


class SubmittedDossierFactory(ApplicationFactory):
    """A full dossier submitted to action 3 (no snapshot: review tests do not need one)."""

    state = "dossier_submitted"
    reference = factory.Sequence(lambda n: f"CMA-SN-2026-{n + 1:04d}")
    letter_submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=120))
    dossier_submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))


# --- background work: PDF dossiers, bundles, reminders (issue 4) -----------------------------


def blank_pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF of `pages` blank A4 pages (pypdf), for documents whose content does not matter."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def attach_document(
    application, *, kind="presentation", name="presentation.pdf", content=None, pages=1, **kwargs
):
    """A stored Document of `application` whose size and SHA-256 are those of its real content."""
    import hashlib

    from django.core.files.base import ContentFile

    from applications.models import Document

    content = content if content is not None else blank_pdf_bytes(pages)
    document = Document(
        application=application,
        kind=kind,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        page_count=pages,
        uploaded_by=application.owner,
        **kwargs,
    )
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def rich_dossier_application(*, years=3, partners=3, milestones=6, documents=3, **kwargs):
    """An application in `dossier_draft` with every structured section filled in: partners,
    budget lines over `years` years (with co-financing), training targets, milestones and
    `documents` stored PDF documents (plus the letter of intent)."""
    from decimal import Decimal

    from applications.models import BudgetLine, ConsortiumPartner, Milestone, TrainingTarget

    kwargs.setdefault("state", "dossier_draft")
    kwargs.setdefault("reference", f"CMA-SN-2026-{9000 + Application.objects.count():04d}")
    kwargs.setdefault("dossier_deadline", timezone.now() + timedelta(days=60))
    application = ApplicationFactory(**kwargs)
    for n in range(partners):
        ConsortiumPartner.objects.create(
            application=application,
            organisation=OrganisationFactory(name=f"Centre hospitalier partenaire {n + 1}", kind="hospital"),
            role="hospital",
            contribution=f"Accueil de stagiaires et co-construction des modules, partenaire {n + 1}.",
            order=n,
        )
    categories = [c for c, _label in BudgetLine.Category.choices]
    for year in range(1, years + 1):
        for index, category in enumerate(categories):
            eligible = Decimal(10000 * (index + 1) + 1234 * year) + Decimal("0.50")
            BudgetLine.objects.create(
                application=application,
                year=year,
                category=category,
                eligible_cost=eligible,
                aid_requested=(eligible * Decimal("0.6")).quantize(Decimal("0.01")),
                co_financing=(eligible * Decimal("0.4")).quantize(Decimal("0.01")),
                co_financing_source="Région et fonds propres",
            )
    for year in range(2026, 2026 + years):
        TrainingTarget.objects.create(
            application=application,
            audience="initial_it",
            year=year,
            people_trained=120 + year % 10,
            hours=30,
        )
        TrainingTarget.objects.create(
            application=application, audience="continuing", year=year, people_trained=60, hours=14
        )
    for n in range(milestones):
        Milestone.objects.create(
            application=application,
            title=f"Jalon {n + 1} : ouverture du module {n + 1}",
            due_month=6 * (n + 1),
            deliverable=f"Maquette pédagogique du module {n + 1} validée par le comité.",
        )
    attach_document(application, kind="letter", name="lettre-intention.pdf", pages=2)
    for n in range(documents):
        attach_document(
            application,
            kind="presentation" if n == 0 else "other",
            name=f"piece-{n + 1}.pdf",
            content=blank_pdf_bytes(n + 1) + f"% piece {n + 1}\n".encode(),
            pages=n + 1,
        )
    return application


def submit_snapshot(application, *, kind="dossier", at=None):
    """Freeze `application` as a Submission of `kind` (what the submit services do)."""
    from applications.snapshots import freeze_submission

    return freeze_submission(
        application, kind=kind, submitted_by=application.owner, submitted_at=at or timezone.now()
    )


# --- screening and messages (issue 3, programme managers) ----------------------------------


class SubmittedLetterFactory(ApplicationFactory):
    """A letter of intent submitted and waiting for screening (no snapshot)."""

    state = "li_submitted"
    reference = factory.Sequence(lambda n: f"CMA-SN-2025-{n + 1:04d}")
    letter_submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))


def user_in_role(who: str | None):
    """The user of a per-role test: None (anonymous), "applicant", "reviewer", "manager" or
    "admin"."""
    if who is None:
        return None
    return {
        "applicant": UserFactory,
        "reviewer": reviewer,
        "manager": programme_manager,
        "admin": administrator,
    }[who]()
