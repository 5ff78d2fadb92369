"""Static files' addresses carry a digest of their bytes (`?v=...`), so nginx may let browsers keep them
for a year (deploy/nginx.conf.in): a changed file gets a new address, never a stale copy."""

import hashlib
import os
from functools import lru_cache

from flask import Flask


@lru_cache(maxsize=256)
def _digest(path: str, modified_ns: int, size: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:10]


def digest_of(static_folder: str, filename: str) -> str | None:
    path = os.path.join(static_folder, filename)
    try:
        stat = os.stat(path)
    except OSError:
        return None  # url_for of a missing file: the address without a digest, as before
    return _digest(path, stat.st_mtime_ns, stat.st_size)  # a file edited in place gets a new digest


def register(app: Flask) -> None:
    @app.url_defaults
    def add_digest(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            digest = digest_of(app.static_folder, values["filename"])
            if digest:
                values["v"] = digest
