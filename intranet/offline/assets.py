"""The app shell the service worker precaches, and a version derived from its bytes."""

import hashlib
from functools import cache
from pathlib import Path

from flask import current_app

SHELL_FILES = [
    "css/app.css",
    "vendor/htmx-2.0.11.min.js",
    "js/app.js",
    "js/form-kit.js",
    "js/outbox.js",
    "js/offline.js",
    "js/notifications.js",
    "js/visit-report.js",
    "js/parts.js",
    "js/inspection.js",
    "icons/icon.svg",
]


@cache
def _digest(static_folder: str, templates_folder: str, extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for root in (Path(static_folder), Path(templates_folder)):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def asset_version() -> str:
    """Changes whenever a static file or a template changes: a new deployment, a new service worker."""
    app = current_app
    return _digest(app.static_folder, app.template_folder, app.config.get("ASSET_VERSION_EXTRA", ""))
