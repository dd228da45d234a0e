"""One accessor per page: the laureate's application, its agreement and what the user may do."""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from applications.models import Application
from applications.selectors.access import application_access_for
from applications.workflow import EDITOR, OWNER, STAFF, Transition
from grants.models import Agreement, Report
from grants.workflow import AGREEMENT_TRANSITIONS, INSTALMENT_TRANSITIONS, REPORT_TRANSITIONS


@dataclass(frozen=True)
class GrantAccess:
    application: Application
    agreement: Agreement | None
    kinds: frozenset[str]

    @property
    def is_staff(self) -> bool:
        return STAFF in self.kinds

    @property
    def is_editor(self) -> bool:
        return EDITOR in self.kinds

    @property
    def is_owner(self) -> bool:
        return OWNER in self.kinds

    def _allowed(self, transition: Transition, state: str) -> bool:
        return state in transition.sources and bool(transition.actors & self.kinds)

    def may(self, action: str) -> bool:
        """`action` is a row of the agreement table ("countersign"), "prepare" or "edit_reports"."""
        if action == "prepare":
            return self.is_staff and (
                self.agreement is None or self.agreement.state == Agreement.State.IN_PREPARATION
            )
        if action == "edit_reports":
            return (
                self.is_editor
                and self.agreement is not None
                and self.agreement.state
                in (
                    Agreement.State.SIGNED,
                    Agreement.State.RUNNING,
                )
            )
        transition = AGREEMENT_TRANSITIONS.get(action)
        return bool(self.agreement and transition and self._allowed(transition, self.agreement.state))

    @property
    def allowed(self) -> dict[str, bool]:
        """`may(...)` for every action, for templates (`access.allowed.countersign`)."""
        return {name: self.may(name) for name in ("prepare", "edit_reports", *AGREEMENT_TRANSITIONS)}

    def may_report(self, report: Report, action: str) -> bool:
        return self._allowed(REPORT_TRANSITIONS[action], report.state)

    def may_instalment(self, instalment, action: str) -> bool:
        return self._allowed(INSTALMENT_TRANSITIONS[action], instalment.state)


def grant_access_for(
    user, pk: int, *, staff_only: bool = False, require_agreement: bool = True
) -> GrantAccess:
    """The application `pk` (404 / PermissionDenied as `application_access_for`), its agreement
    and the user's kinds. 404 when there is no agreement yet and the page needs one."""
    access = application_access_for(user, pk, staff_only=staff_only)
    agreement = (
        Agreement.objects.select_related("application__wave__call", "application__lead_organisation")
        .filter(application=access.application)
        .first()
    )
    if agreement is None and require_agreement:
        raise Http404
    if agreement is not None:
        agreement.application = access.application
    return GrantAccess(application=access.application, agreement=agreement, kinds=access.kinds)


def report_for(access: GrantAccess, report_id: int) -> Report:
    report = get_object_or_404(Report.objects.filter(agreement=access.agreement), pk=report_id)
    report.agreement = access.agreement
    return report
