"""Logging filters named in settings.LOGGING (imports nothing from Django)."""

import logging


class QuietPermissionDenied(logging.Filter):
    """Keep the "Forbidden" line of `django.request` but drop its traceback: a refused access
    is an expected outcome, not an error to debug."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
