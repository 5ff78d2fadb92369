"""Time a 10,000-row catalogue import (CSV and XLSX), checked and written, on SQLite and PostgreSQL.

    .venv/bin/python bench/parts_import.py [--rows 10000] [--runs 5] [--backends sqlite postgresql]

For each database: migrate a fresh one, then per run: read and check the whole file (the preview),
then import it into an empty catalogue (the run's rows are deleted afterwards). Prints each run and
the median over runs. The import runs in-process through the service, as the upload view calls it.
"""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

from common import Database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def csv_bytes(rows: int) -> bytes:
    lines = ["code,name,specification,unit,whole_units,price,min_stock,compatible_models"]
    for n in range(rows):
        lines.append(
            f"BP-{n:06d},配件 {n},规格 {n % 97} mm,个,yes,{n % 500}.50,{n % 20},燃气壁挂炉 L1PB26;QM-300 排队叫号机"
        )
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(rows: int) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["code", "name", "specification", "unit", "whole_units", "price", "min_stock", "compatible_models"])
    for n in range(rows):
        sheet.append([f"BP-{n:06d}", f"配件 {n}", f"规格 {n % 97} mm", "个", "yes", n % 500 + 0.5, n % 20, "QM-300"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(database: Database, files: dict[str, bytes], runs: int) -> None:
    from sqlalchemy import delete

    from intranet import create_app
    from intranet.auth.models import User
    from intranet.extensions import db
    from intranet.parts import importing
    from intranet.parts.models import Part

    app = create_app({"SQLALCHEMY_DATABASE_URI": database.url, "SECRET_KEY": "bench"})
    with app.app_context():
        admin = User(login="bench.admin", name="bench", role="admin", password_hash="x")
        db.session.add(admin)
        db.session.commit()
        for kind, data in files.items():
            checks, imports = [], []
            for number in range(1, runs + 1):
                started = time.perf_counter()
                preview = importing.preview(data, f"parts.{kind}")
                checked = time.perf_counter()
                assert preview.clean, preview.bad_rows[:3]
                added, _updated = importing.import_parts(admin, data, f"parts.{kind}")
                db.session.commit()
                done = time.perf_counter()
                assert added == len(preview.rows)
                checks.append(checked - started)
                imports.append(done - checked)
                print(
                    f"  {database.backend:10s} {kind:4s} run {number}: check {checks[-1]:6.2f} s, "
                    f"check+import {imports[-1]:6.2f} s ({added} rows)"
                )
                db.session.execute(delete(Part))
                db.session.commit()
            print(
                f"{database.backend:10s} {kind:4s} median of {runs}: preview (read+check) "
                f"{statistics.median(checks):6.2f} s; import (check again + write) {statistics.median(imports):6.2f} s"
            )
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    options = parser.parse_args()
    files = {"csv": csv_bytes(options.rows), "xlsx": xlsx_bytes(options.rows)}
    print(f"{options.rows} rows: CSV {len(files['csv']) / 1e6:.2f} MB, XLSX {len(files['xlsx']) / 1e6:.2f} MB")
    for backend in options.backends:
        database = Database(backend)
        try:
            database.flask("db", "upgrade")
            run(database, files, options.runs)
        finally:
            database.drop()


if __name__ == "__main__":
    main()
