"""CI's own rule: a failure fails the run, even a test that passes when run again (a flake is a race)."""

import os
import shutil
import stat
import subprocess

from intranet import PROJECT_ROOT

FAKE_TEST = """#!/usr/bin/env bash
# Stands for scripts/test: the first run fails test_replay, a second run {second}.
mkdir -p .pytest_cache/v/cache
if [ ! -e first-run-done ]; then
  touch first-run-done
  echo '{{"tests/e2e/test_offline.py::test_replay": true}}' > .pytest_cache/v/cache/lastfailed
  exit 1
fi
{second_command}
"""


def _ci_with(tmp_path, second_run_passes: bool) -> subprocess.CompletedProcess:
    (tmp_path / ".ci").mkdir()
    (tmp_path / "scripts").mkdir()
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    os.symlink(shutil.which("python3"), tmp_path / ".venv" / "bin" / "python")
    shutil.copy(PROJECT_ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    fake = tmp_path / "scripts" / "test"
    fake.write_text(
        FAKE_TEST.format(
            second="passes" if second_run_passes else "fails again",
            second_command="exit 0" if second_run_passes else "exit 1",
        )
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    return subprocess.run(["bash", str(tmp_path / ".ci" / "run")], capture_output=True, text=True, timeout=60)


def test_a_test_that_fails_then_passes_is_reported_as_flaky_and_fails_ci(tmp_path):
    run = _ci_with(tmp_path, second_run_passes=True)
    assert run.returncode != 0
    assert "FLAKY" in run.stdout and "tests/e2e/test_offline.py::test_replay" in run.stdout


def test_a_test_that_fails_twice_fails_ci(tmp_path):
    run = _ci_with(tmp_path, second_run_passes=False)
    assert run.returncode != 0
    assert "FAILED: the same tests fail again" in run.stdout
