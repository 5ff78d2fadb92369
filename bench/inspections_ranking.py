"""Inspections: the server-side submit of the 31-item credit-union checklist, and the branch ranking
(门店服务排名) over many signed-off inspections.

    .venv/bin/python bench/inspections_ranking.py [--inspections 20000] [--submits 40]

For each database: migrate and load the demo data, add N signed-off inspections spread over 3
branches and 12 months (bulk rows, as years of use would leave), then time in-process:
`submit_inspection` (validate, store 31 answers, score, open corrective actions, audit) and
`branch_ranking` for one month and one quarter. Prints median and p95 in milliseconds.
"""

import argparse
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from common import Database, percentile


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def line(label: str, samples: list[float]) -> str:
    return f"  {label:<34} median {statistics.median(samples):7.2f} ms   p95 {percentile(samples, 95):7.2f} ms"


def bulk_signed_off(db, template, count: int) -> None:
    from sqlalchemy import insert

    from intranet.auth.models import User
    from intranet.inspections.models import Inspection

    managers = {u.branch_id: u for u in db.session.query(User).filter_by(role="manager")}
    staff = [u for u in db.session.query(User).filter(User.role.in_(["technician", "receptionist"])) if u.branch_id]
    rng = random.Random(7)
    now = datetime.now(UTC)
    rows = []
    for n in range(count):
        inspector = staff[n % len(staff)]
        manager = managers.get(inspector.branch_id) or next(iter(managers.values()))
        at = now - timedelta(days=rng.randrange(365), hours=rng.randrange(24))
        score = Decimal(100) - Decimal(rng.randrange(0, 400)) / 10
        rows.append(
            {
                "template_id": template.id,
                "branch_id": inspector.branch_id,
                "inspector_id": inspector.id,
                "assigned_by_id": manager.id,
                "due_at": at,
                "status": "signed_off",
                "score_total": score,
                "max_total": Decimal(100),
                "section_scores": "{}",
                "created_at": at,
                "submitted_at": at,
                "signed_by_id": manager.id,
                "signed_at": at,
                "return_comment": "",
            }
        )
    for start in range(0, len(rows), 2000):
        db.session.execute(insert(Inspection), rows[start : start + 2000])
    db.session.commit()


def run(backend: str, inspections: int, submits: int) -> None:
    database = Database(backend)
    try:
        database.flask("db", "upgrade")
        database.flask("seed-demo")
        from intranet import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": database.url, "SECRET_KEY": "bench-secret"})
        with app.app_context():
            from intranet.auth.models import User
            from intranet.extensions import db
            from intranet.inspections import assigning, filling, ranking, service

            template = next(t for t in service.active_templates() if t.family == "CU-SERVICE")
            bulk_signed_off(db, template, inspections)
            manager = db.session.query(User).filter_by(login="manager").one()
            tech = db.session.query(User).filter_by(login="tech").one()

            def submit_one():
                inspection = assigning.assign(
                    manager,
                    assigning.AssignData(template.id, tech.branch_id, tech.id, datetime.now(UTC) + timedelta(days=1)),
                )
                db.session.commit()
                answers = {
                    item.id: filling.AnswerInput(
                        count="0" if item.photo_required_on_fail else str(item.id % 3), note="现场发现"
                    )
                    for item in inspection.template.items
                }
                start = time.perf_counter()
                filling.submit_inspection(tech, inspection, str(uuid.uuid4()), answers)
                db.session.commit()
                return (time.perf_counter() - start) * 1000

            submit_samples = [submit_one() for _ in range(submits)]
            today = datetime.now(UTC).date()
            month = ranking.parse_period(f"{today.year}-{today.month:02d}")
            quarter = ranking.parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
            admin = db.session.query(User).filter_by(login="admin").one()
            month_samples = timed(lambda: ranking.branch_ranking(admin, "CU-SERVICE", month), 30)
            quarter_samples = timed(lambda: ranking.branch_ranking(admin, "CU-SERVICE", quarter), 30)
            rows = ranking.branch_ranking(admin, "CU-SERVICE", quarter).rows
        print(f"{backend}: {inspections} signed-off inspections, 31-item checklist")
        print(line(f"submit_inspection (x{submits})", submit_samples))
        print(line("branch ranking, one month (x30)", month_samples))
        print(line("branch ranking, one quarter (x30)", quarter_samples))
        print("  quarter: " + ", ".join(f"{r.rank}. {r.branch.code} {r.average} ({r.count})" for r in rows))
    finally:
        database.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inspections", type=int, default=20_000)
    parser.add_argument("--submits", type=int, default=40)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    for backend in ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]:
        run(backend, args.inspections, args.submits)


if __name__ == "__main__":
    main()
