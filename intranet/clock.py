"""The app's "now": the real clock, or, in a test server only, a clock the test moves.

Views ask here and hand the instant to services, which take `now` as an argument. A browser test
cannot wait a working day for an answer time to pass, so an app built with TESTING on and a
TEST_CLOCK_FILE reads the instant from that file (ISO 8601; empty means the real time). The setting
comes only from the code that builds the app, never from the environment or a request, and is
ignored unless TESTING is on: a production server has no way to be told the time.
"""

from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, has_app_context

from intranet.db_types import utcnow


def now() -> datetime:
    if has_app_context() and current_app.testing and current_app.config.get("TEST_CLOCK_FILE"):
        text = Path(current_app.config["TEST_CLOCK_FILE"]).read_text().strip()
        if text:
            return datetime.fromisoformat(text).astimezone(UTC)
    return utcnow()
