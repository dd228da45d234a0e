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
            Authenticator.objects.create(user=obj, type=Authenticator.Type.TOTP, data={"secret": "test"})


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
    siret = "19751718800014"
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
