"""The LOGGING setting, built in one place (settings.py calls `logging_config`)."""


def logging_config(*, level: str, log_format: str) -> dict:
    """Console logs with a request id on every line (`cma_portal.observability`): JSON lines in
    production, text in development. WeasyPrint's layout chatter and SQL are kept out, and a
    refused access (403) is one line without a traceback."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "quiet_403": {"()": "cma_portal.log_filters.QuietPermissionDenied"},
            "request_id": {"()": "cma_portal.observability.RequestIdFilter"},
        },
        "formatters": {
            "json": {"()": "cma_portal.observability.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": log_format}
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
            "django.request": {"filters": ["quiet_403"]},
        },
    }
