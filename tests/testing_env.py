"""Loaded by pytest before pytest-django reads the settings (`-p tests.testing_env` in
pyproject.toml): the suite runs with the test settings (TESTING=true) whether it is started by
`make test` or by `python -m pytest` directly. A TESTING already set in the environment wins."""

import os

os.environ.setdefault("TESTING", "true")
