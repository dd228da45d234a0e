"""Celery tasks of applications: `rendering` (PDFs, started by effects) and `periodic` (beat)."""
