"""Response headers that every page gets: CSP without inline script, framing, sniffing, referrer."""

from flask import Flask, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# A photo opened on its own: no script can run in an image document, and Chromium styles its image
# viewer inline; the page policy would only fill the console with refusals.
IMAGE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"


# Static files that only ever load inside a page (an SVG can be opened as a document: it keeps the policy).
SUBRESOURCES = {"text/css", "text/javascript", "application/javascript"}


def register(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        if request.endpoint == "static" and response.mimetype in SUBRESOURCES:
            # A script or a style sheet is never a document: the page's policies do not apply to it, and
            # sent with each of them they cost a tablet's first load some 2 KB. Sniffing stays refused.
            headers.setdefault("X-Content-Type-Options", "nosniff")
            return response
        is_image = response.mimetype.startswith("image/") and response.mimetype != "image/svg+xml"
        headers.setdefault("Content-Security-Policy", IMAGE_POLICY if is_image else CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            # Pages carry personal data and a CSRF token: never kept by shared caches.
            headers.setdefault("Cache-Control", "private, no-cache")
        return response
