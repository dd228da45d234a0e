"""Errors of the application workflow, shared by its guards and its service."""


class TransitionError(Exception):
    """A transition refused: the message is French, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message
