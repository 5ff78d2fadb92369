"""gzip for text answers, so a tablet on a weak link downloads a third of the bytes.

A reverse proxy may do this instead; doing it here keeps the embedded setup (gunicorn alone) fast
and makes the page-weight benchmark measure what a tablet really receives.
"""

import gzip

from flask import Flask, request

COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
}
MINIMUM_SIZE = 512
STATIC_ENTRIES = 500  # the static folder holds a few dozen text files; a bound all the same
_static_gzip: dict[tuple[str, str], bytes] = {}


def register(app: Flask) -> None:
    @app.after_request
    def compress(response):
        if (
            response.status_code < 200
            or response.status_code in (204, 304)
            or response.mimetype not in COMPRESSIBLE
            or "Content-Encoding" in response.headers
            or "gzip" not in request.headers.get("Accept-Encoding", "")
        ):
            return response
        # A static file is compressed once per version (its ETag names its file, size and time), not per request.
        key = (
            (request.path, response.get_etag()[0])
            if request.endpoint == "static" and response.status_code == 200
            else None
        )
        response.direct_passthrough = False  # static files arrive as a file wrapper: read them (and close it)
        data = response.get_data()
        if len(data) < MINIMUM_SIZE:
            return response
        compressed = _static_gzip.get(key) if key else None
        if compressed is None:
            compressed = gzip.compress(data, compresslevel=6)
            if key and key[1] and len(_static_gzip) < STATIC_ENTRIES:
                _static_gzip[key] = compressed
        response.set_data(compressed)
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        return response
