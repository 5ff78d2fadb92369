"""The app's clock: real time, except in a test app given a clock file."""

from datetime import UTC, datetime

from intranet import clock, create_app


def test_a_clock_file_is_read_only_by_a_test_app(tmp_path):
    clock_file = tmp_path / "clock"
    clock_file.write_text("2027-01-04T10:00:00+08:00")
    settings = {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "TEST_CLOCK_FILE": str(clock_file)}
    with create_app({**settings, "TESTING": True}).app_context():
        assert clock.now() == datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
        clock_file.write_text("")
        assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 5  # empty: the real time
    clock_file.write_text("2027-01-04T10:00:00+08:00")
    with create_app(settings).app_context():  # a production app ignores it
        assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 5
