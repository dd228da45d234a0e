"""The grant side's refusals, with a French message for the user."""

from applications.errors import TransitionError


class GrantError(TransitionError):
    """A refused change of an agreement, a report or an instalment."""


class ReportConflict(GrantError):
    """Someone saved the report since this form was displayed."""
