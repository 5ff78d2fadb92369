"""Peak memory of an export: 100,000 jobs as CSV and as XLSX, streamed.

    .venv/bin/python bench/export_memory.py [--jobs 100000]

Loads the demo and N jobs into a SQLite database, then for each format runs the export the
download route streams (exporting.open_export, as the administrator, every job) in a fresh
process that writes the bytes to a file; prints the rows, the seconds, the file size and the
process's peak RSS above what the app holds before the first row. The same for the jobs due
since 2026 (about half of them) shows the peak does not grow with the rows. Then opens each file
and checks its header and row count.
"""

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

from common import ROOT, Database

CHILD = """
import json, sys, time
from sqlalchemy import func, select
from intranet import create_app
from intranet.auth.models import User
from intranet.extensions import db
from intranet.jobs.exports import JOBS
from intranet import exporting

def high_water_mb():
    # VmHWM is this process's own peak (ru_maxrss would carry the parent's over the exec).
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "bench"})
with app.test_request_context("/jobs/export", headers={"Accept-Language": "zh-CN"}):
    admin = db.session.query(User).filter_by(login="admin").one()
    args = {} if sys.argv[4] == "all" else {"due_from": sys.argv[4]}
    expected = db.session.scalar(select(func.count()).select_from(JOBS.rows(admin, args).subquery()))
    before = high_water_mb()
    started = time.perf_counter()
    size = 0
    with open(sys.argv[3], "wb") as out:
        for chunk in exporting.open_export(JOBS, admin, args, sys.argv[2]):
            size += len(chunk)
            out.write(chunk)
    seconds = time.perf_counter() - started
    peak = high_water_mb()
print(json.dumps({"seconds": seconds, "bytes": size, "before_mb": before, "peak_mb": peak, "expected": expected}))
"""


def export(url: str, file_format: str, path: Path, rows: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, file_format, str(path), rows],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def count_rows(path: Path, file_format: str) -> tuple[list, int]:
    if file_format == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        return rows[0], len(rows) - 1
    import openpyxl

    sheet = openpyxl.load_workbook(path, read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    return header, sum(1 for _ in rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=100_000)
    args = parser.parse_args()
    database = Database("sqlite")
    try:
        database.flask("db", "upgrade")
        database.flask("seed-demo")
        database.flask("bench-seed", "--jobs", str(args.jobs))
        directory = Path(database.dir)
        for file_format in ("csv", "xlsx"):
            for rows, label in (("all", "every job"), ("2026-01-01", "jobs due since 2026")):
                path = directory / f"jobs-{rows}.{file_format}"
                figures = export(database.url, file_format, path, rows)
                header, count = count_rows(path, file_format)
                print(
                    f"{file_format.upper():4} {label:<20} {count:7d} rows  {figures['seconds']:5.1f} s  "
                    f"{figures['bytes'] / 1e6:6.1f} MB  peak RSS {figures['peak_mb']:6.1f} MB "
                    f"(app before the first row {figures['before_mb']:6.1f} MB, "
                    f"+{figures['peak_mb'] - figures['before_mb']:5.1f} MB)  header {header[:3]}  "
                    f"rows as in the list: {'yes' if count == figures['expected'] else 'NO'}"
                )
    finally:
        database.drop()


if __name__ == "__main__":
    main()
