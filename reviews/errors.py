"""Errors of the review side."""


class ReviewError(Exception):
    """A refused operation; the message is French, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)
