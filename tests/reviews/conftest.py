import pytest


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` runs the on-commit callbacks (emails) of what happens inside."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
