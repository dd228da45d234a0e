"""What the inspection raises. Plain Python (no Django): it crosses the process boundary."""


class Refused(Exception):  # noqa: N818 — a verdict, not a programming error
    """The file is refused; `code` names why (the caller turns it into a French message) and
    `params` carries the figures the message quotes."""

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __reduce__(self):
        return (_rebuild, (self.code, self.params))


def _rebuild(code, params):
    return Refused(code, **params)
