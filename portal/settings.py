"""Settings of the portal. Every difference between deployments comes from the environment
(see .env.example); the defaults are the embedded single-machine set-up of `make run`."""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "axes",
    "communities",
    "shops",
    "monitoring",
    "notices",
    "dashboards",
    "transfers",
    "vaccination",
    "hotels",
    "portal",  # the project's own commands (seed_demo assembles every app's demo)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body: one larger than MAX_REQUEST_BYTES is a 400.
    "portal.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A temporary password from the district office is changed before anything else.
    "communities.middleware.PasswordChangeRequiredMiddleware",
    # Axes last: it needs the request that the middleware above have prepared.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "communities.context_processors.menu",
                "dashboards.context_processors.menu",
                "transfers.context_processors.menu",
                "vaccination.context_processors.menu",
                "hotels.context_processors.menu",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite under var/ by default; DATABASE_URL=postgres://... switches to PostgreSQL.
VAR_DIR.mkdir(exist_ok=True)
# An empty DATABASE_URL means the default, as if it were unset.
DATABASES = {
    "default": environ.Env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL and a busy timeout keep them from failing
    # with "database is locked" (Django 5.1+ options).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a Celery worker in the test session sees the test data;
    # one per test process, so that two runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_portal_{os.getpid()}.sqlite3")}
else:
    # Persistent connections: measured 80 -> 288 requests/s on the resident list.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The planner's cost of a random page read for the portal's own connections: 1.1, the
    # usual setting on SSDs, where PostgreSQL's default (4) assumes spinning disks and made
    # a grid worker's pages read whole tables instead of their 2,000 residents' rows
    # (the arrival list 140 -> 73 ms at a million residents; docs/benchmarks.md). Empty:
    # the server's own setting.
    if cost := env.str("PG_RANDOM_PAGE_COST", default="1.1"):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = (
            f"{options.get('options', '')} -c random_page_cost={float(cost)}".strip()
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache -----------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Shared by every process on the machine (rate limits must hold across web workers;
    # its add() is atomic across them).
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.LockingFileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery ------------------------------------------------------------------------------
CELERY_FOLDERS = {name: VAR_DIR / "celery" / name for name in ("queue", "processed", "control")}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A task taken by a worker that died unacknowledged (acks_late) goes back to the queue
    # after this many seconds (longer than any task runs); the live workers look for such
    # tasks every 10 s (kombu's default would be every 100 s).
    CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "unacked_restore_interval": min(10, CELERY_VISIBILITY_TIMEOUT),
        "unacked_restore_throttle": 1,
    }
else:
    # Embedded default: kombu's filesystem transport. Real workers and beat, no server;
    # absolute folders so that processes started from anywhere meet.
    for folder in CELERY_FOLDERS.values():
        folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FOLDERS["queue"]),
        "data_folder_out": str(CELERY_FOLDERS["queue"]),
        "processed_folder": str(CELERY_FOLDERS["processed"]),
        "control_folder": str(CELERY_FOLDERS["control"]),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# Tasks record their outcome in the database (runs, notices); no result backend needed.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "Asia/Shanghai"

# --- Users, sign-in and lock-out ---------------------------------------------------------
AUTH_USER_MODEL = "communities.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Every account is staff with access to personal data: ten characters at least, not
# common, not all digits, not like the user's name, and not holding the username (Django's
# similarity check lets the username typed twice through: "grid3grid3" scores 0.67 < 0.7).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "communities.validators.UsernameNotInPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# The link of a reset e-mail works once, for an hour (Django's default is three days).
PASSWORD_RESET_TIMEOUT = 3600
# Lock-out (portal/lockout.py): five failures for one username from one address lock that
# username at that address (it still signs in from elsewhere: nobody can lock the city
# office out from afar); twenty failures from one address, whatever the usernames, lock the
# address. Both for 15 minutes; a success clears its own username's failures there. Not
# the address alone at five: an office or a carrier's NAT puts many staff behind one
# address, and one person's typos must not lock out a whole street office.
AXES_HANDLER = "portal.lockout.PairAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# --- Language and time -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files ------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start-up when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a request without credentials gets 401, not 403.
        "communities.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "portal.parsers.JSONParser",  # refuses nesting deeper than JSON_MAX_DEPTH
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "portal.openapi.AutoSchema",  # documents 400, 401, 403, 404
    # JSON for a body over Django's upload limits too (DATA_UPLOAD_MAX_MEMORY_SIZE…)
    "EXCEPTION_HANDLER": "portal.api_errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # An allowance per signed-in user and per anonymous address (portal/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.throttling.AnonThrottle",
        "portal.throttling.UserThrottle",
    ],
}
# Requests a minute the API answers a signed-in user, and an anonymous address (the
# sign-in): then 429 with Retry-After.
API_USER_RATE = env.str("API_USER_RATE", default="600/minute")
API_ANON_RATE = env.str("API_ANON_RATE", default="30/minute")
# The deepest nesting of lists and objects a JSON body or announcement file may have; the
# portal's own interfaces nest four levels.
JSON_MAX_DEPTH = 32
# An API token lasts this many days; then it is a 401 and signing in again issues a new one.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)
SPECTACULAR_SETTINGS = {
    "TITLE": "网格化管理门户 API",
    "DESCRIPTION": (
        "社区网格化疫情防控管理门户的接口（第 1 版）。以工作人员账号的令牌调用"
        "（POST /api/v1/auth/token/，请求头 Authorization: Token …），可见范围按账号的角色和"
        "辖区限定，辖区外的对象一律 404；列表每页 50 条，可按字段筛选；错误以 JSON 返回"
        "（400 按字段列出，401、403、404、429 为 detail），每个账号每分钟有请求限额。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for each set of choices that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "HealthCodeEnum": "communities.models.HealthCode",
        "AppealStateEnum": "communities.models.Appeal.State",
        "ProposalStateEnum": "communities.models.CodeChangeProposal.State",
        "MeasureStateEnum": "communities.models.ControlMeasure.State",
        "TaskStateEnum": "communities.models.GridTask.State",
        "RunStateEnum": "communities.models.RecomputeRun.State",
        "ArrivalStateEnum": "communities.models.ArrivalReport.State",
        "ShopStateEnum": "shops.models.Shop.State",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail and SMS ----------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="网格化管理门户 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = env.str("SMS_BACKEND", default="portal.sms.backends.console.SmsBackend")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_KEY = env.str("SMS_GATEWAY_KEY", default="")
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=VAR_DIR / "sms")

# --- Street sweep (shops) -------------------------------------------------------------------
# Reminders a failing shop gets before the next failure earns the red placard (the seed:
# 提醒多次仍未整改), the days a reminder gives to rectify, and the closure of a red placard
# (停业整改3天) after which the group re-inspects.
SHOP_MAX_REMINDERS = env.int("SHOP_MAX_REMINDERS", default=2)
SHOP_RECTIFY_DAYS = env.int("SHOP_RECTIFY_DAYS", default=2)
SHOP_CLOSURE_DAYS = env.int("SHOP_CLOSURE_DAYS", default=3)
# The largest request body taken, files included (the largest file taken is 5 MB: a photo
# or an appeal's report); a reverse proxy in front should allow at least as much.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=10 * 1024 * 1024)
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
# The fields a form may post: the announcement's page posts up to 500 rows of about ten
# fields per list (communities.forms_announcements.MAX_ROWS); Django's default is 1000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 12000

# TrueType Chinese fonts the daily report's PDF embeds, the first found (Debian's
# fonts-wqy-microhei or fonts-wqy-zenhei); without any, reportlab's built-in CID font,
# which PDF viewers supply themselves.
REPORT_PDF_FONTS = env.list(
    "REPORT_PDF_FONTS",
    default=[
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ],
)

# Venue reports a user may file in an hour (the API and the page together).
VENUE_REPORTS_PER_HOUR = env.int("VENUE_REPORTS_PER_HOUR", default=30)
# Spreadsheet uploads: a workbook (a zip archive) is refused before it is read when it
# unpacks beyond these (a 2 MB "zip bomb" can unpack to gigabytes).
XLSX_MAX_UNPACKED_BYTES = env.int("XLSX_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024)
XLSX_MAX_RATIO = env.int("XLSX_MAX_RATIO", default=100)
XLSX_MAX_MEMBERS = env.int("XLSX_MAX_MEMBERS", default=1000)
# Exports (导出): up to this many rows go to the browser at once, more are written by a
# job and kept under 我的导出 this many days; a job is stopped after this many seconds.
EXPORT_STREAM_ROWS = env.int("EXPORT_STREAM_ROWS", default=5000)
EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)
EXPORT_TIME_LIMIT = env.int("EXPORT_TIME_LIMIT", default=1800)
# Imports (导入): a file of at most this many bytes and rows; more rows than
# IMPORT_INLINE_ROWS are checked and stored by a job; the report keeps the first
# IMPORT_MAX_PROBLEMS problems (the file's problem count is always whole).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=8 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
IMPORT_INLINE_ROWS = env.int("IMPORT_INLINE_ROWS", default=2000)
IMPORT_MAX_PROBLEMS = env.int("IMPORT_MAX_PROBLEMS", default=10_000)
# Images (inspection photos, appeal evidence) are decoded within this many pixels and
# stored re-encoded.
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=50_000_000)
SHOP_PHOTO_MAX_BYTES = env.int("SHOP_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
# The public address printed in the placards' QR codes (e.g. https://grid.example.gov.cn);
# empty: the address the request came in on.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="").rstrip("/")

# --- Security (the defaults pass `check --deploy` when DEBUG is off) ------------------------
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
