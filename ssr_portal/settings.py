"""Settings for the SSR portal, read from the environment (django-environ).

With nothing set this is the embedded default for ``make run``: SQLite, Celery eager, e-mail to
the console, DEBUG on. Production sets ``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY``,
``DEBUG=off`` and the rest; every variable is listed with its default in the README.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is read when present (never committed); real environment variables win.
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

# --- Core -----------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=True)

DEFAULT_SECRET_KEY = "django-insecure-ssr-portal-local-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=DEFAULT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
    )

# Loopback names are always allowed so that a container's own health check can reach /healthz.
ALLOWED_HOSTS = [
    *env.list("ALLOWED_HOSTS", default=[]),
    "127.0.0.1",
    "localhost",
    "[::1]",
]
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
# CAP alerts (incidents.cap): the sender named in every alert (the portal's host unless set),
# and an optional GeoJSON of the county's municipalities whose polygons go into the areas
# (features with a "kommunkod"/"code" property; without the file, areas carry geocodes only).
CAP_SENDER = (
    env.str("CAP_SENDER", default="")
    or (SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0])
)
if not CAP_SENDER or any(c in CAP_SENDER for c in " ,<&"):
    # CAP 1.2: no spaces, commas or restricted characters (references split on them).
    raise ImproperlyConfigured("CAP_SENDER must be non-empty without spaces, commas, < or &.")
CAP_AREAS_GEOJSON = env.str("CAP_AREAS_GEOJSON", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "guardian",
    "simple_history",
    "ssr_portal",
    "core",
    "actors",
    "forums",
    "incidents",
    "membership",
    "notifications",
    "planning",
    "ninja",  # serves the API docs' own static files (no CDN)
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that may answer a logged-in user: no-store on those answers.
    "ssr_portal.middleware.NoStoreMiddleware",
    # Before anything reads the database: a NUL byte in the request is a 400, not a 500.
    "ssr_portal.middleware.NulByteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ssr_portal.middleware.SessionRefreshMiddleware",
    "ssr_portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's and django-otp's, with the user and the verified device from the cache.
    "ssr_portal.auth_cache.CachedAuthenticationMiddleware",
    "ssr_portal.auth_cache.CachedOTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "ssr_portal.two_factor.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "ssr_portal.middleware.PermissionsPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ssr_portal.urls"
WSGI_APPLICATION = "ssr_portal.wsgi.application"

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
                "actors.context_processors.roles",
                "incidents.context_processors.on_duty",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# Django's form renderer, with select boxes written out in Python (the same markup, a tenth of the
# time; core.renderers).
FORM_RENDERER = "core.renderers.PortalFormRenderer"

# A web process loads its views and compiles the portal's templates when it starts, before its
# first request (ssr_portal.warmup); off by default under DEBUG, where the reloader restarts often.
WSGI_WARM_UP = env.bool("WSGI_WARM_UP", default=not DEBUG)

# --- Data -----------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# PostgreSQL: the portal's processes connect (DATABASE_URL) as an application role that owns
# nothing; `manage.py migrate` runs as the owner (DATABASE_URL set to the owner's login) and then
# grants this role exactly what it may do (core.db_roles). Empty: no grants (SQLite, or a
# single-role set-up that gives up the database-level protection).
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

# Seconds a cache operation may wait for Redis; a Redis that is down is read as a cache miss
# (core.cache), so a page answers from the database instead of waiting or failing.
CACHE_TIMEOUT_SECONDS = env.float("CACHE_TIMEOUT_SECONDS", default=0.5)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
# Eager (tasks run in the web process) only for the embedded default without Redis.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request hands work to the broker after its commit (core.queue.hand_over); the work is in the
# database first, so a broker that is down must fail the publish fast, never hold the request:
# a beat sweep queues it again when the broker is back.
BROKER_TIMEOUT_SECONDS = env.float("CELERY_BROKER_TIMEOUT_SECONDS", default=1.0)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
    # kombu's own connection retries (retry=False turns off only the publish's): one more try
    # after 0.2 s instead of a 2 s sleep, so a publish to a broker that is down fails at once.
    "max_retries": 1,
    "interval_start": 0.2,
    "interval_step": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool process that has grown past this (KiB of resident memory) is replaced after its task:
# WeasyPrint keeps font and layout caches, and a long invoice run would otherwise let each pool
# process grow until the machine swaps. The replacement costs one process start.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=512 * 1024
)
if CELERY_WORKER_MAX_MEMORY_PER_CHILD < 64 * 1024:
    raise ImproperlyConfigured("CELERY_WORKER_MAX_MEMORY_PER_CHILD must be at least 65536 (KiB).")
# The worker's pool processes run at this lower CPU priority (nice, 0–19; 0 leaves it as it
# is): on a machine shared with the web tier, rendering PDFs and announcements in the
# background yields the cores to the requests, which people are waiting for.
CELERY_WORKER_NICE = env.int("CELERY_WORKER_NICE", default=10)
if not 0 <= CELERY_WORKER_NICE <= 19:
    raise ImproperlyConfigured("CELERY_WORKER_NICE must be between 0 and 19.")
# A late-acknowledged task whose worker process died (killed, out of memory) goes back to the
# queue instead of being lost. Every acks_late task is idempotent by database state (invoice
# documents, picture PDFs, the outbox's claimed rows, forum access), so running one again is safe.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TIMEZONE = "Europe/Stockholm"
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# How often beat takes back notifications whose worker died (expired leases, see below).
NOTIFICATION_SWEEP_SECONDS = env.float("NOTIFICATION_SWEEP_SECONDS", default=5.0)
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-notifications": {
        "task": "notifications.tasks.requeue_stale",
        "schedule": NOTIFICATION_SWEEP_SECONDS,
    },
    "escalate-activation-alerts": {"task": "incidents.tasks.escalate_alerts", "schedule": 60.0},
    "escalate-signals": {"task": "incidents.tasks.escalate_signals", "schedule": 30.0},
    "requeue-picture-pdfs": {"task": "incidents.tasks.requeue_picture_pdfs", "schedule": 60.0},
    "requeue-picture-announcements": {
        "task": "incidents.tasks.requeue_picture_announcements",
        "schedule": 60.0,
    },
    "remind-overdue-reports": {
        "task": "incidents.tasks.remind_overdue_reports",
        "schedule": 300.0,
    },
    "expire-support-requests": {
        "task": "incidents.support.tasks.expire_support_requests",
        "schedule": 120.0,
    },
    "invoice-reminders": {
        "task": "membership.tasks.send_invoice_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    "meeting-reminders": {
        "task": "forums.tasks.send_meeting_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "sync-forum-access": {
        "task": "forums.tasks.sync_forum_access",
        "schedule": crontab(hour=0, minute=5),
    },
    "purge-old-notifications": {
        "task": "notifications.tasks.purge_old",
        "schedule": crontab(hour=3, minute=15),
    },
    "purge-old-audit-events": {
        "task": "core.tasks.purge_audit_events",
        "schedule": crontab(hour=3, minute=30),
    },
}
# Personal data is kept no longer than needed: delivered or failed notifications and audit
# events older than these many days are deleted every night.
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=365)
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)
if AUDIT_RETENTION_DAYS < 30:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 30 (the database keeps 30).")

# --- Authentication -------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions are read from the cache and written to both (Django's cached_db, ssr_portal.sessions):
# the database stays the truth (a Redis that is down is a miss, core.cache), and a logged-in
# request reads no session row.
SESSION_ENGINE = "ssr_portal.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
# The inactivity timeout is kept by SessionRefreshMiddleware, which writes a used session at most
# once per SESSION_REFRESH_SECONDS instead of on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True
# Two-factor login is required for the secretariat and RSIB/RKK staff; with this on, for all.
REQUIRE_2FA_FOR_ALL = env.bool("REQUIRE_2FA_FOR_ALL", default=False)
OTP_TOTP_ISSUER = "SSR-portalen"
# Resetting someone's second factor asks for the password again unless it was entered this
# recently (seconds).
SUDO_MODE_SECONDS = env.int("SUDO_MODE_SECONDS", default=300)

# Login with an actor's own OpenID Connect provider (ssr_portal.oidc; the providers are kept by
# the secretariat in the portal). Seconds a provider may take to answer (discovery, keys, token);
# how long its discovery document and key set are cached; the clock difference allowed on the
# ID token's exp and iat; how long a started login (its state) stays usable.
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
OIDC_DISCOVERY_CACHE_SECONDS = env.int("OIDC_DISCOVERY_CACHE_SECONDS", default=3600)
OIDC_CLOCK_SKEW_SECONDS = env.int("OIDC_CLOCK_SKEW_SECONDS", default=60)
OIDC_STATE_MAX_AGE_SECONDS = env.int("OIDC_STATE_MAX_AGE_SECONDS", default=600)
if not 0 <= OIDC_CLOCK_SKEW_SECONDS <= 300:
    raise ImproperlyConfigured("OIDC_CLOCK_SKEW_SECONDS must be between 0 and 300.")
# mozilla-django-oidc's own names for what it reads from the settings.
OIDC_STATE_SIZE = 32
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"

# Lockout after repeated failed logins, per user name and address together.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind the TLS proxy every connection comes from the proxy: the client's address is taken from
# X-Forwarded-For, trusting as many entries from the right as there are proxies of our own.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.audit.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# guardian: no anonymous user row; anonymous visitors never hold object permissions.
ANONYMOUS_USER_NAME = None

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail ---------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Samverkan Stockholmsregionen <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds the SMTP connection waits on the relay at each step; must stay below the lease.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)

# --- SMS ------------------------------------------------------------------------------------

SMS_BACKEND = env.str(
    "SMS_BACKEND",
    default="notifications.channels.sms.HttpSmsGateway"
    if env.str("SMS_GATEWAY_URL", default="")
    else "notifications.channels.sms.ConsoleSmsBackend",
)
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_SENDER = env.str("SMS_SENDER", default="SSR")
# Seconds the HTTP gateway may take to connect and to answer; must stay below the lease.
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)

# --- Webhooks (notifications.webhooks) --------------------------------------------------------

# Seconds a subscriber may take to connect and to answer; must stay below the lease.
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
# Subscribers must use HTTPS, except on these hosts (a receiver on this machine for `make run`
# and the tests).
WEBHOOK_ALLOW_HTTP_HOSTS = env.list(
    "WEBHOOK_ALLOW_HTTP_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
# A subscription whose deliveries failed this many times in a row is paused, its owner told.
WEBHOOK_PAUSE_AFTER_FAILURES = env.int("WEBHOOK_PAUSE_AFTER_FAILURES", default=5)

# --- Peppol access point (e-invoices) ---------------------------------------------------------

# The local one (`make run`, tests) writes the documents to MEDIA_ROOT/peppol-outbox/;
# "membership.access_point.HttpAccessPoint" hands them to a provider's HTTP API.
ACCESS_POINT_BACKEND = env.str(
    "ACCESS_POINT_BACKEND", default="membership.access_point.LocalAccessPoint"
)
ACCESS_POINT_URL = env.str("ACCESS_POINT_URL", default="")
ACCESS_POINT_TOKEN = env.str("ACCESS_POINT_TOKEN", default="")
# Seconds the access point may take to connect and to answer; must stay below the lease.
ACCESS_POINT_TIMEOUT = env.float("ACCESS_POINT_TIMEOUT", default=10.0)
# How often beat asks the access point what became of the e-invoices it took.
ACCESS_POINT_POLL_SECONDS = env.int("ACCESS_POINT_POLL_SECONDS", default=300)
if ACCESS_POINT_BACKEND.endswith(".HttpAccessPoint") and not ACCESS_POINT_URL:
    raise ImproperlyConfigured("ACCESS_POINT_URL must be set for the HTTP access point.")

# --- Notifications --------------------------------------------------------------------------

NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
# Rows left pending this long are queued again (their task never reached a worker: Redis was
# down), and so are rows being sent that hold no lease (claimed by a release before leases).
NOTIFICATION_STALE_SECONDS = env.int("NOTIFICATION_STALE_SECONDS", default=120)
# A worker holds the rows it is sending for this long, extended before each message; the sweep
# takes back only rows whose lease ran out. A dead worker's messages go out again within the
# lease plus the sweep period plus a send (20 + 5 s by default, under 30 s). A message must not
# outlive the lease, so the lease allows two full network timeouts per message.
NOTIFICATION_LEASE_SECONDS = env.int("NOTIFICATION_LEASE_SECONDS", default=20)
# The access point's timeout counts only when it is reached over the network (not the local one).
_NETWORK_TIMEOUTS = [EMAIL_TIMEOUT, SMS_GATEWAY_TIMEOUT, WEBHOOK_TIMEOUT]
if ACCESS_POINT_BACKEND != "membership.access_point.LocalAccessPoint":
    _NETWORK_TIMEOUTS.append(ACCESS_POINT_TIMEOUT)
if 2 * max(_NETWORK_TIMEOUTS) > NOTIFICATION_LEASE_SECONDS:
    raise ImproperlyConfigured(
        "NOTIFICATION_LEASE_SECONDS must be at least twice EMAIL_TIMEOUT, SMS_GATEWAY_TIMEOUT, "
        "WEBHOOK_TIMEOUT "
        "and (for a network access point) ACCESS_POINT_TIMEOUT: a message must not outlive its "
        "lease."
    )
# A published situation picture still without its PDF this long is queued again (its task was
# lost: the broker was down at publication, or the worker died).
PICTURE_PDF_STALE_SECONDS = env.int("PICTURE_PDF_STALE_SECONDS", default=120)
# A published situation picture not yet announced to its readers this long is queued again.
PICTURE_ANNOUNCEMENT_STALE_SECONDS = env.int("PICTURE_ANNOUNCEMENT_STALE_SECONDS", default=60)
# How long an acknowledgement link in an alert is valid.
ACKNOWLEDGEMENT_LINK_HOURS = env.int("ACKNOWLEDGEMENT_LINK_HOURS", default=48)
# A signal that nobody has seen this long after it was made goes to the fallback: the RKK on duty
# and the secretariat's duty address (at once when no RSIB is on duty).
SIGNAL_ESCALATE_MINUTES = env.int("SIGNAL_ESCALATE_MINUTES", default=5)
# The secretariat's duty officer for signals (e-mail and SMS); demo addresses in the embedded
# default only.
SECRETARIAT_DUTY_EMAIL = env.str(
    "SECRETARIAT_DUTY_EMAIL", default="beredskap@samordningskansli.example.org" if DEBUG else ""
)
SECRETARIAT_DUTY_PHONE = env.str(
    "SECRETARIAT_DUTY_PHONE", default="+46 70 000 00 00" if DEBUG else ""
)
if SIGNAL_ESCALATE_MINUTES < 1:
    raise ImproperlyConfigured("SIGNAL_ESCALATE_MINUTES must be at least 1.")
if SECRETARIAT_DUTY_EMAIL and "@" not in SECRETARIAT_DUTY_EMAIL:
    raise ImproperlyConfigured("SECRETARIAT_DUTY_EMAIL must be an e-mail address.")
if (
    SECRETARIAT_DUTY_PHONE
    and not SECRETARIAT_DUTY_PHONE.lstrip("+").replace(" ", "").replace("-", "").isdigit()
):
    raise ImproperlyConfigured("SECRETARIAT_DUTY_PHONE must be a phone number, e.g. +46 8 123 45.")

# --- Invoicing: the seller (Länsstyrelsen for Samverkan Stockholmsregionen) -------------------

SELLER = {
    "name": env.str("SELLER_NAME", default="Länsstyrelsen i Stockholms län"),
    "org_number": env.str("SELLER_ORG_NUMBER", default=""),
    "bankgiro": env.str("SELLER_BANKGIRO", default=""),
    "address": env.str("SELLER_ADDRESS", default=""),
    "postal_code": env.str("SELLER_POSTAL_CODE", default=""),
    "city": env.str("SELLER_CITY", default="Stockholm"),
    "email": env.str("SELLER_EMAIL", default=""),
    "reference": env.str("SELLER_REFERENCE", default="Samverkan Stockholmsregionen"),
    "phone": env.str("SELLER_PHONE", default=""),
}
INVOICE_DUE_DAYS = env.int("INVOICE_DUE_DAYS", default=30)
# Check every rendered Peppol XML against the UBL XSD, CEN EN16931 and Peppol BIS 3 rules and
# refuse to store one with a fatal finding (the suite turns it on; see membership/formats/
# peppol_validation.py).
PEPPOL_VALIDATE_RENDERED = env.bool("PEPPOL_VALIDATE_RENDERED", default=False)
# The sweep queues the documents (PDF, XML, e-mail) again for invoices issued longer ago than the
# grace period that still lack one, or whose file is gone from storage.
INVOICE_DOCUMENT_SWEEP_SECONDS = env.int("INVOICE_DOCUMENT_SWEEP_SECONDS", default=120)
INVOICE_DOCUMENT_GRACE_SECONDS = env.int("INVOICE_DOCUMENT_GRACE_SECONDS", default=300)
CELERY_BEAT_SCHEDULE["sweep-invoice-documents"] = {
    "task": "membership.tasks.sweep_invoice_documents",
    "schedule": float(INVOICE_DOCUMENT_SWEEP_SECONDS),
}
CELERY_BEAT_SCHEDULE["poll-invoice-transmissions"] = {
    "task": "membership.tasks.poll_invoice_transmissions",
    "schedule": float(ACCESS_POINT_POLL_SECONDS),
}
# VAT category per actor kind (Peppol/EN 16931 codes); "O" = outside the scope of VAT. Set as
# e.g. VAT_CATEGORIES=other=O,port=O. Only "O" is supported until the finance function confirms
# another treatment (category E would need the seller's VAT number on every invoice).
VAT_CATEGORIES = env.dict("VAT_CATEGORIES", default={})
# The preview notes a municipality whose population differs from the previous year's figure by
# more than this many per cent (both figures are shown; the run is not stopped).
POPULATION_CHANGE_WARNING_PERCENT = env.float("POPULATION_CHANGE_WARNING_PERCENT", default=10.0)
# Where membership reads the hours an actor's staff were rostered in RSIB and RKK shifts in a
# year: a function (actor, year) -> Decimal, so membership need not import the incidents app.
MEMBERSHIP_ROSTERED_HOURS = env.str(
    "MEMBERSHIP_ROSTERED_HOURS", default="incidents.roster.selectors.rostered_hours"
)
# The accounts of the SIE export (BAS chart of accounts by default).
SIE_ACCOUNTS = {
    "receivable": env.str("SIE_ACCOUNT_RECEIVABLE", default="1510"),
    "income": env.str("SIE_ACCOUNT_INCOME", default="3990"),
    "bank": env.str("SIE_ACCOUNT_BANK", default="1930"),
    # The fee of an actor that pays by internal transfer: a receivable on the organisation
    # itself (BAS 1680 "Andra kortfristiga fordringar").
    "internal": env.str("SIE_ACCOUNT_INTERNAL", default="1680"),
    # Payments received that no invoice matched yet, until allocated or refunded (BAS 2420
    # "Förskott från kunder": money of a customer that the association owes back or applies).
    "unallocated": env.str("SIE_ACCOUNT_UNALLOCATED", default="2420"),
}

# --- Security -------------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix: the browser keeps these cookies only if Secure, Path=/ and without a
    # Domain, so no other host under the same domain can plant or overwrite them (ASVS 3.4.4).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy (nginx, a load balancer) set USE_X_FORWARDED_PROTO=on.
    if env.bool("USE_X_FORWARDED_PROTO", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz and /healthz/ready are probed over plain HTTP inside the container network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/ready)?$"]

# Content-Security-Policy without 'unsafe-inline': every script and style is a file of our own.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- The portal -----------------------------------------------------------------------------

# Name of the group whose members run the network (samordningskansliet).
SECRETARIAT_GROUP = "secretariat"
ACTORS_PER_PAGE = env.int("ACTORS_PER_PAGE", default=25)
# How often an open situation picture page asks for a newer version (seconds).
PICTURE_POLL_SECONDS = env.int("PICTURE_POLL_SECONDS", default=10)
# Requests per token and minute the API answers before 429 (a fixed window in the cache).
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=120)
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Route the minimal view that `make bench` measures as the stack's floor (/bench/golv/).
BENCH_FLOOR_VIEW = env.bool("BENCH_FLOOR_VIEW", default=False)
