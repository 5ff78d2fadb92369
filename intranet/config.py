"""Settings read from environment variables, with safe defaults for a local SQLite install."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver whatever spelling of a PostgreSQL URL we are given."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key_from(instance_path: Path) -> str:
    """Generate the secret key once and keep it in instance/, so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def settings_from_environment(instance_path: Path) -> dict:
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'intranet.sqlite'}"
    secure_cookies = _flag("SECURE_COOKIES", False)
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # A tablet may stay offline for a whole shift: the CSRF token lives as long as the session.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(os.environ.get("REMEMBER_DAYS", "30"))),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(os.environ.get("SESSION_HOURS", "12"))),
        # One file may be MAX_UPLOAD_MB; a whole form (a report with several photos) MAX_REQUEST_MB.
        "MAX_UPLOAD_BYTES": int(os.environ.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024,
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_REQUEST_MB", "60")) * 1024 * 1024,
        # Done jobs reach the callback list this long after the visit (回访).
        "CALLBACK_DELAY_DAYS": int(os.environ.get("CALLBACK_DELAY_DAYS", "3")),
        # ...and the next day for complaints, rescues, urgent jobs and a visit rated below 3 (jobs/callback_rules.py).
        "CALLBACK_PROMPT_DAYS": int(os.environ.get("CALLBACK_PROMPT_DAYS", "1")),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "20")),
        "LOGIN_LOCKOUT_MINUTES": int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "PAGE_SIZE": 25,
        # The task queue (intranet/task_queue.py): Redis when REDIS_URL is set, for several app servers;
        # else a SQLite file in instance/ that needs no server.
        "QUEUE_URL": os.environ.get("REDIS_URL") or os.environ.get("QUEUE_URL") or None,
        "QUEUE_WORKERS": int(os.environ.get("QUEUE_WORKERS", "4")),
        # Web push: the VAPID private key (PEM, or base64url); without it, instance/vapid_private.pem
        # made by `flask vapid-keys`. Every app server and consumer needs the same key.
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY"),
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", "mailto:admin@localhost"),
        # Push services are HTTPS; plain-HTTP endpoints only for a test's own loopback receiver.
        "PUSH_INSECURE_ENDPOINTS": _flag("PUSH_INSECURE_ENDPOINTS", False),
        # How long a push service keeps a message for a device that is off (a tablet off for a shift).
        "PUSH_TTL_HOURS": int(os.environ.get("PUSH_TTL_HOURS", "24")),
        # An export of more rows than this is written by a background task (once a queue is
        # registered with exporting.run_in_background_with), the user notified with a link.
        "EXPORT_BACKGROUND_ROWS": int(os.environ.get("EXPORT_BACKGROUND_ROWS", "250000")),
        # How long such a file is kept for its owner (in the database, so any app server serves it).
        "EXPORT_KEEP_HOURS": int(os.environ.get("EXPORT_KEEP_HOURS", "48")),
        # Added to the hash that names the service worker's shell cache: forces a new worker on
        # tablets without changing a file (and lets the tests play a deployment).
        "ASSET_VERSION_EXTRA": os.environ.get("ASSET_VERSION_EXTRA", ""),
        # Reverse proxies in front of the app (nginx: 1) whose X-Forwarded-For/-Proto are believed; with 0
        # (no proxy) those headers are ignored, so a client cannot pick the address the lock-out counts.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
    }
