"""Settings of the portal, read from the environment (django-environ).

Development defaults make a checkout run as it is: SQLite file, eager Celery tasks, emails on
the console, uploaded files on disk. Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL and REDIS_URL; `manage.py check --deploy` is clean then.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _
from redis.backoff import NoBackoff
from redis.retry import Retry

from cma_portal.logging_config import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
TESTING = env.bool("TESTING", default=False)

_DEV_SECRET = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105 — development only; DEBUG=false requires SECRET_KEY
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The funder named in the open data of signed grant agreements (SCDL "subventions").
GRANTS_FUNDER_NAME = env.str("GRANTS_FUNDER_NAME", default="Agence nationale de la recherche")
GRANTS_FUNDER_SIRET = env.str("GRANTS_FUNDER_SIRET", default="13000250400020")
# The name emails give the site (allauth's "Bonjour de …"), whatever host served the request.
SITE_NAME = env.str("SITE_NAME", default="Portail CMA — Santé numérique")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "django_htmx",
    "widget_tweaks",
    "dsfr",
    "cma_portal",
    "actions",
    "waves",
    "applications",
    "reviews",
    "pilotage",
    "accounts",
    "pages",
    "grants",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cma_portal.middleware.ContentSecurityPolicyMiddleware",
    "cma_portal.middleware.StaffSessionIdleMiddleware",
    "cma_portal.middleware.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "cma_portal.urls"
WSGI_APPLICATION = "cma_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dsfr.context_processors.site_config",
                "cma_portal.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL when DATABASE_URL is set.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery broker and cache when REDIS_URL is set; eager tasks and local memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
# A Redis that is down answers "connection refused" at once, one that is unreachable not at all:
# bound both, and no retry loop with backoff (redis-py's default) inside a request.
REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": 0.5,
    "socket_timeout": 1,
    "retry": Retry(NoBackoff(), 0),
}
if REDIS_URL:
    CACHES = {
        "default": {
            # Errors are misses (logged): login and pages keep working while Redis is down.
            "BACKEND": "cma_portal.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
if TESTING:
    # Tests run tasks inline; the worker started by tests/applications/test_worker.py runs with
    # CELERY_TASK_ALWAYS_EAGER=false in its environment so that it consumes from the broker.
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task acknowledged late is redelivered after this many seconds if its worker died. Sized to
# the longest task, or a slow task would run twice: the hard time limit (CELERY_TASK_TIME_LIMIT)
# plus the longest retry countdown a message may wait in a worker (an ETA message is held
# unacknowledged too: render_submission_pdf_task caps it at 120 s), plus a margin. Lowered only
# by tests/applications/test_worker_killed.py for the workers it starts. Whatever a killed worker held comes back after 10 minutes; before that, the periodic
# catch-ups (`cma_portal.outbox`, `applications.tasks.rendering.requeue_stale_pdfs_task`) take over.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
    # Publishing from a request to a broker that is down fails fast (see tasks_dispatch.py).
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# The transactional outbox (cma_portal/outbox.py): the catch-up takes a pending email this long
# after it was written (the task sent on commit goes first); PDFs still pending this many
# minutes after their submission are queued again (applications/tasks/rendering.py).
OUTBOX_CATCH_UP_DELAY = env.int("OUTBOX_CATCH_UP_DELAY", default=60)
PDF_CATCH_UP_MINUTES = env.int("PDF_CATCH_UP_MINUTES", default=5)

AUTH_USER_MODEL = "cma_portal.User"
# Django's and allauth's backends, loading the user with their roles in one query.
AUTHENTICATION_BACKENDS = [
    "cma_portal.auth_backends.ModelBackend",
    "cma_portal.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# django-allauth: email is the login, verified before the account is usable.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Portail CMA] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, kept explicit so that nobody turns them off by accident.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
    # Per IP address only: a limit per address would let an attacker who knows it block the
    # code login too (docs/security.md, "Lockouts").
    "request_login_code": "20/m/ip",
}
# The client's address for the per-IP limits above and for the lockout record. Behind the reverse
# proxy every request comes from the proxy: without this, all users would share one "IP" and ten
# wrong passwords anywhere in a minute would refuse everyone's login. Set it to the number of
# proxies in front of gunicorn that append to X-Forwarded-For (1 for one TLS proxy); 0 (direct
# clients, development) ignores the header, so that a client cannot choose its own address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The way in that the brute-force limit on passwords cannot block: a code sent by email (allauth
# then asks staff for their TOTP as after a password). Refusals are recorded (cma_portal/lockouts.py).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Portail CMA Santé numérique"
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

# Internationalisation: French first, English as a translation.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static and uploaded files. Uploads live outside the static tree and are served only by views
# that check permission.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if DEBUG or TESTING:
    STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request otherwise
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not TESTING
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_SIZE", default=20 * 1024 * 1024)
# Every upload is inspected in a child process bounded by these (cma_portal/uploads/sandbox.py).
UPLOAD_CHECK_TIMEOUT = env.float("UPLOAD_CHECK_TIMEOUT", default=10.0)
UPLOAD_CHECK_MEMORY_MB = env.int("UPLOAD_CHECK_MEMORY_MB", default=100)
# ClamAV's daemon (clamd) socket; empty: no virus scan (documents stay "pending").
CLAMAV_SOCKET = env.str("CLAMAV_SOCKET", default="")
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=30.0)

# Email: console in development, SMTP in production (EMAIL_URL, e.g. smtp+tls://user:pw@host:587).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
for _key in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
    if _email.get(_key):
        globals()[_key] = _email[_key]
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Portail CMA <ne-pas-repondre@cma-sante-numerique.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Shown on error pages as the way to reach the programme team (empty: no contact line).
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="contact@cma-sante-numerique.example")

# Security. HTTPS settings apply whenever DEBUG is false.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (Redis on the full stack) and written through to the database:
# one query less on every page, and no session lost when the cache is flushed.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_HTTPONLY = False
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Health probes are called over plain HTTP by the orchestrator.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# Portal-specific settings.
APPLICATION_REFERENCE_PREFIX = "CMA-SN"
DRAFT_RETENTION_DAYS = env.int("DRAFT_RETENTION_DAYS", default=730)
SEED_DEMO_ON_RUN = env.bool("SEED_DEMO_ON_RUN", default=True)

# Staff sessions end after this many seconds without a request (docs/security.md, "Sessions");
# applicants keep Django's 14-day session. 0 turns the idle timeout off.
STAFF_SESSION_IDLE_TIMEOUT = env.int("STAFF_SESSION_IDLE_TIMEOUT", default=30 * 60)

# Staff must set up TOTP before reaching /instruction/, /evaluation/, /pilotage/, /admin/.
STAFF_REQUIRE_MFA = env.bool("STAFF_REQUIRE_MFA", default=True)

# Reviews (docs/reviews.md): reviewers per dossier for automatic assignment, days until the
# review is due, disagreement threshold (points on /20 between the highest and lowest review),
# and how many submitted reviews in a wave a reviewer needs before their scores are corrected
# for severity.
REVIEWS_PER_DOSSIER = env.int("REVIEWS_PER_DOSSIER", default=2)
REVIEW_DUE_DAYS = env.int("REVIEW_DUE_DAYS", default=21)
REVIEW_DISAGREEMENT_THRESHOLD = env.float("REVIEW_DISAGREEMENT_THRESHOLD", default=5.0)
REVIEW_SEVERITY_MIN_REVIEWS = env.int("REVIEW_SEVERITY_MIN_REVIEWS", default=3)

# A co-editor invitation link works for this many days; inviting again sends a fresh one.
COLLABORATOR_INVITATION_DAYS = env.int("COLLABORATOR_INVITATION_DAYS", default=30)

# Back to a pending staff invitation after signing up or logging in (cma_portal/adapters.py).
ACCOUNT_ADAPTER = "cma_portal.adapters.AccountAdapter"

# --- Beyond one machine (docs/operations.md) -------------------------------------------------
# Files go through Django's storage API: MEDIA_ROOT by default, a private S3-compatible bucket with
# MEDIA_STORAGE=s3 (shared by every node); downloads stream through views that check permission.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="disk")
if MEDIA_STORAGE not in ("disk", "s3"):
    raise environ.ImproperlyConfigured("MEDIA_STORAGE must be 'disk' or 's3'.")


if MEDIA_STORAGE == "s3":
    from cma_portal.storage_settings import s3_storage_options

    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_storage_options()}

# Embedded mode (`make run`): a worker with beat on kombu's filesystem transport, no Redis; the web
# process still runs its own tasks inline. One schedule: cma_portal/celery.py.
EMBEDDED_BROKER_DIR = env.str("EMBEDDED_BROKER_DIR", default="")
if EMBEDDED_BROKER_DIR and not REDIS_URL:
    _broker_dir = Path(EMBEDDED_BROKER_DIR)
    for _sub in ("queue", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }

# Metrics for Prometheus at /metrics (cma_portal/metrics.py). Never public: a scraper presents
# `Authorization: Bearer $METRICS_TOKEN`, or comes from an address in METRICS_ALLOWED_IPS
# (addresses or networks). Anyone else gets a 404. With neither set, nobody gets them.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
INSTALLED_APPS.append("django_prometheus")
MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
# Cache timings: the same backends, timed (cma_portal/metrics.py). Query timings are taken by an
# execute wrapper installed on every new database connection (same module).
_TIMED_CACHES = {
    "django.core.cache.backends.redis.RedisCache": "cma_portal.metrics.TimedRedisCache",
    "cma_portal.cache.DegradingRedisCache": "cma_portal.metrics.TimedDegradingRedisCache",
    "django.core.cache.backends.locmem.LocMemCache": "cma_portal.metrics.TimedLocMemCache",
}
CACHES["default"]["BACKEND"] = _TIMED_CACHES.get(CACHES["default"]["BACKEND"], CACHES["default"]["BACKEND"])
PROMETHEUS_EXPORT_MIGRATIONS = False

# Every request gets an id (X-Request-ID from the load balancer, or a new one), sent back in the
# response, written in every log line and carried to the Celery tasks the request starts.
MIDDLEWARE.insert(1, "cma_portal.observability.RequestIdMiddleware")
# JSON lines in production (one object per line, for the log collector), text in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = logging_config(level=env.str("LOG_LEVEL", default="INFO"), log_format=LOG_FORMAT)

# Error reporting to Sentry (or GlitchTip, Bugsink): off unless SENTRY_DSN is set; no personal data.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
# Forms render with django-dsfr's templates, overridable in templates/ (cma_portal/form_renderer.py).
FORM_RENDERER = "cma_portal.form_renderer.PortalFormRenderer"
