"""The VAPID key pair that identifies this server to the browsers' push services.

Made once (`flask vapid-keys`, which scripts/start runs) into instance/vapid_private.pem, or given
as VAPID_PRIVATE_KEY (PEM or base64url) so several app servers and consumers share one key. Without
a key the app still records notifications; it only offers no push.
"""

import base64
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app
from py_vapid import Vapid

KEY_FILE = "vapid_private.pem"


def key_file(instance_path: str) -> Path:
    return Path(instance_path) / KEY_FILE


def make_keys(instance_path: str) -> tuple[Path, bool]:
    """Write a new private key unless one exists; (its path, whether it was made now)."""
    path = key_file(instance_path)
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    vapid = Vapid()
    vapid.generate_keys()
    path.write_bytes(vapid.private_pem())
    path.chmod(0o600)
    return path, True


def _load(config_value: str | None, instance_path: str) -> Vapid | None:
    if config_value:
        text = config_value.strip()
        return Vapid.from_pem(text.encode()) if "-----BEGIN" in text else Vapid.from_string(text)
    path = key_file(instance_path)
    if path.exists():
        return Vapid.from_pem(path.read_bytes())
    return None


def server_key() -> Vapid | None:
    """The app's VAPID key, read once per app."""
    app = current_app._get_current_object()
    cache = app.extensions.setdefault("vapid", {})
    if "key" not in cache:
        cache["key"] = _load(app.config.get("VAPID_PRIVATE_KEY"), app.instance_path)
    return cache["key"]


def public_key_of(vapid: Vapid) -> str:
    """The public key as the browser's pushManager.subscribe wants it (applicationServerKey)."""
    raw = vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def application_server_key() -> str | None:
    vapid = server_key()
    return public_key_of(vapid) if vapid else None
