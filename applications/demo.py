"""Demo applications for `seed_demo`: one in every state of the workflow, with real PDFs."""


def seed(*, users, wave, extra, stdout):
    """Create the demo applications (idempotent)."""
