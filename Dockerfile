# Production image of the portal: gunicorn serves the pages (static files through WhiteNoise);
# the same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango (and HarfBuzz's subsetter) for WeasyPrint's PDFs, DejaVu fonts, gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

# The application runs as an unprivileged user; uploads go to /data/media (a volume).
RUN useradd --create-home --uid 1000 --shell /usr/sbin/nologin app \
    && mkdir -p /data/media \
    && chown app:app /data/media

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Translations (.mo files are build output) and static files, built once into the image.
# collectstatic only needs settings to load: a throwaway key, never used at run time.
RUN python -m django compilemessages --ignore=.venv --ignore=var --ignore=staticfiles \
    && DEBUG=false SECRET_KEY=build-only-collectstatic-key python manage.py collectstatic --noinput

USER app
ENV MEDIA_ROOT=/data/media
# Files go to the object store when MEDIA_STORAGE=s3 (docker-compose.yml); MEDIA_ROOT is the
# fallback and the source of `manage.py migrate_media`.
EXPOSE 8000

# Liveness only (no database): /healthz. docker-compose.yml checks readiness with /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["gunicorn", "cma_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
