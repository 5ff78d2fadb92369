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
        response.direct_passthrough = False  # static files arrive as a file wrapper: read them
        data = response.get_data()
        if len(data) < MINIMUM_SIZE:
            return response
        response.set_data(gzip.compress(data, compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        return response
