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
    # Not @app.url_defaults: that runs for every address a page builds (dozens per page), and an app-wide
    # url_defaults function stops templates from reusing built addresses; this runs for static files only.
    build = app.url_for

    def url_for(endpoint: str, **values) -> str:
        if endpoint == "static" and "v" not in values and "filename" in values:
            digest = digest_of(app.static_folder, values["filename"])
            if digest:
                values["v"] = digest
        return build(endpoint, **values)

    app.url_for = url_for  # what flask.url_for calls
    # Templates were given the method itself when their environment was made: give them this one, unless
    # a helper of our own took that place (it calls flask.url_for, so it reaches this anyway).
    if app.jinja_env.globals.get("url_for") == build:
        app.jinja_env.globals["url_for"] = url_for
