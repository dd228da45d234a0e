"""The open data of signed grant agreements, in the SCDL "subventions" table (version 2.1.1),
as décret 2017-779 asks of funders: one row per beneficiary of an agreement in force, the
columns of `COLUMNS` in that order, amounts with a point as decimal separator.

The portal records the lead institution as the agreement's beneficiary (it signs it and
receives the payments): one row per agreement, `pourcentageSubvention` 1.00."""

from collections.abc import Iterator

from django.conf import settings

from grants.models import Agreement

COLUMNS = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
)
NATURE = "aide en numéraire"
OBJECT_MAX = 255  # "fewer than 256 characters"


def _objet(application) -> str:
    text = (
        " ".join(f"{application.title} ({application.acronym})".split())
        if application.acronym
        else application.title
    )
    return text[:OBJECT_MAX]


def _payment_dates(dates: list) -> str:
    dates = sorted(dates)
    if not dates:
        return ""
    if len(dates) == 1 or dates[0] == dates[-1]:
        return dates[0].isoformat()
    return f"{dates[0].isoformat()}/{dates[-1].isoformat()}"


def signed_agreements():
    return (
        Agreement.objects.filter(state__in=Agreement.IN_FORCE, signed_on__isnull=False)
        .select_related("application__lead_organisation", "application__wave__call")
        .prefetch_related("instalments")
        .order_by("signed_on", "id")
    )


def subvention_rows() -> Iterator[dict]:
    """One dict per row, in `COLUMNS` order (three queries whatever the number of rows)."""
    for agreement in signed_agreements().iterator(chunk_size=500):
        application = agreement.application
        organisation = application.lead_organisation
        instalments = list(agreement.instalments.all())
        yield {
            "nomAttribuant": settings.GRANTS_FUNDER_NAME,
            "idAttribuant": settings.GRANTS_FUNDER_SIRET,
            "dateConvention": agreement.signed_on.isoformat(),
            "referenceDecision": application.reference or str(application.pk),
            "nomBeneficiaire": organisation.name if organisation else "",
            "idBeneficiaire": organisation.siret if organisation else "",
            "rnaBeneficiaire": "",
            "objet": _objet(application),
            "montant": f"{agreement.amount_granted:.2f}",
            "nature": NATURE,
            "conditionsVersement": "échelonné" if len(instalments) > 1 else "unique",
            "datesPeriodeVersement": _payment_dates([i.planned_date for i in instalments]),
            "idRAE": "",
            "notificationUE": "non",
            "pourcentageSubvention": "1.00",
            "dispositifAide": application.wave.call.code,
        }
