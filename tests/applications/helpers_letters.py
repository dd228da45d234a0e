"""Shared helpers for the letter-of-intent tests: a ready applicant and the form as posted."""

from actions.models import ActionComponent
from applications.models import Organisation
from tests.factories import ApplicationFactory, MembershipFactory, OrganisationFactory, UserFactory


def draft_ready_to_submit(**kwargs):
    """A letter draft whose owner belongs to its (university) lead, action 3 with component 3a.
    The letter PDF is not uploaded yet."""
    application = ApplicationFactory(**kwargs)
    application.components.set(ActionComponent.objects.filter(code="3a"))
    return application


def letter_data(application, **overrides) -> dict:
    """The letter form as the browser posts it, with the application's values."""
    data = {
        "version": application.version,
        "actions": [a.pk for a in application.actions.all()],
        "components": [c.pk for c in application.components.all()],
        "lead_organisation": application.lead_organisation_id or "",
        "title": application.title,
        "acronym": application.acronym,
        "summary": application.summary,
        "estimated_total_cost": str(application.estimated_total_cost or ""),
        "estimated_aid_requested": str(application.estimated_aid_requested or ""),
        "planned_duration_months": application.planned_duration_months or "",
        "people_trained_per_year": application.people_trained_per_year or "",
        "audience": application.audience,
        "partners-TOTAL_FORMS": "1",
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "30",
        "partners-0-name": "CHU de Test",
        "partners-0-kind": Organisation.Kind.HOSPITAL,
        "partners-0-region": Organisation.Region.IDF,
        "partners-0-role": "hospital",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def applicant_with_university():
    user = UserFactory()
    organisation = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY)
    MembershipFactory(user=user, organisation=organisation)
    return user, organisation
