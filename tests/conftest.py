"""Fixtures: the app on SQLite and on PostgreSQL, a CSRF-aware client, and factories for records."""

import io
import itertools
import json
import re
import uuid
from datetime import timedelta

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from intranet import create_app
from intranet.access.roles import Role
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.customers.models import Customer, Equipment, Site
from intranet.db_types import utcnow
from intranet.extensions import db
from tests.databases import PostgresDatabase

TEST_PASSWORD = "correct-horse-1"
FAST_HASH = "pbkdf2:sha256:1000"  # the real scrypt default costs ~50 ms a login; tests log in a lot


class Client(FlaskClient):
    """A test client that, like our htmx pages, sends the session's CSRF token as a header.

    Each request runs in an app context of its own, as in production: otherwise Flask would reuse
    the test's context, and with it `g` and the database session, across requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            # End the test's own transaction: it must see what the request committed, and on SQLite
            # an old read snapshot could not write afterwards.
            db.session.commit()
        return response

    def csrf_token(self) -> str:
        """The session's token: from the endpoint when signed in, else from the sign-in page's form."""
        token = self.get("/auth/csrf-token").get_json()["token"]
        if token:
            return token
        page = self.get("/login").get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def post_form(self, url, data=None, headers=None, **kwargs):
        headers = {"X-CSRFToken": self.csrf_token(), **(headers or {})}
        return self.post(url, data=data or {}, headers=headers, **kwargs)

    def htmx_get(self, url, target: str, headers=None, **kwargs):
        return self.get(url, headers={"HX-Request": "true", "HX-Target": target, **(headers or {})}, **kwargs)

    def login(self, user: User, password: str = TEST_PASSWORD, remember: bool = False):
        data = {"login": user.login, "password": password}
        if remember:
            data["remember"] = "y"
        response = self.post_form("/login", data)
        assert response.status_code == 303, response.get_data(as_text=True)
        return response


@pytest.fixture(scope="session")
def postgres_url():
    database = PostgresDatabase()
    yield database.url
    database.drop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PASSWORD_HASH_METHOD": FAST_HASH,
        }
    )
    app.test_client_class = Client
    with app.app_context():
        db.create_all()  # the migrations themselves are checked in tests/test_migrations.py
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def db_session(app):
    """An app context for the test; every table is emptied afterwards."""
    with app.app_context():
        yield db.session
        db.session.rollback()
        tables = [table.name for table in db.metadata.sorted_tables]
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture
def client(app, db_session) -> Client:
    return app.test_client()


_sequence = itertools.count(1)


def pytest_sessionstart(session):
    # A fresh clone has no .mo files: compile them so Chinese pages really render in Chinese.
    from intranet.translations import compile_catalogues

    compile_catalogues()


@pytest.fixture
def make_branch(db_session):
    def make(**values) -> Branch:
        n = next(_sequence)
        values = {"code": f"BR-{n}", "name": f"分站 {n}", "city": "北京", **values}
        branch = Branch(**values)
        db_session.add(branch)
        db_session.commit()
        return branch

    return make


@pytest.fixture
def branch(make_branch) -> Branch:
    return make_branch(code="BJ-FT", name="丰台服务站")


@pytest.fixture
def make_user(db_session, branch):
    from werkzeug.security import generate_password_hash

    def make(role: str = Role.TECHNICIAN, login: str | None = None, **values) -> User:
        n = next(_sequence)
        values.setdefault("branch", None if role == Role.ADMIN else branch)
        user = User(
            login=login or f"{role}{n}",
            name=values.pop("name", f"User {n}"),
            role=str(role),
            password_hash=generate_password_hash(values.pop("password", TEST_PASSWORD), method=FAST_HASH),
            **values,
        )
        db_session.add(user)
        db_session.commit()
        return user

    return make


@pytest.fixture
def make_customer(db_session, branch):
    def make(**values) -> Customer:
        n = next(_sequence)
        values = {"name": f"客户 {n}", "kind": "company", "phone": f"010-{n:08d}", "branch": branch, **values}
        customer = Customer(**values)
        db_session.add(customer)
        db_session.commit()
        return customer

    return make


@pytest.fixture
def make_site(db_session, make_customer):
    def make(customer: Customer | None = None, **values) -> Site:
        n = next(_sequence)
        values = {"name": f"站点 {n}", "address": f"北京市丰台区 {n} 号", **values}
        site = Site(customer=customer or make_customer(), **values)
        db_session.add(site)
        db_session.commit()
        return site

    return make


@pytest.fixture
def make_equipment(db_session, make_site):
    def make(site: Site | None = None, **values) -> Equipment:
        n = next(_sequence)
        values = {"model": "QM-300 排队叫号机", "serial": f"SN-{n:06d}", **values}
        equipment = Equipment(site=site or make_site(), **values)
        db_session.add(equipment)
        db_session.commit()
        return equipment

    return make


def image_bytes(size=(64, 48), image_format="JPEG", color=(200, 60, 40)) -> bytes:
    """A real image file in memory."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, image_format)
    return out.getvalue()


@pytest.fixture
def make_job(db_session, make_site, make_user):
    from intranet.jobs.models import Job, JobEvent

    def make(technician=None, site=None, status="assigned", due_at=None, **values) -> Job:
        site = site or make_site()
        creator = values.pop("created_by", None) or make_user(Role.RECEPTIONIST)
        job = Job(
            branch_id=site.customer.branch_id,
            customer_id=site.customer_id,
            site_id=site.id,
            source=values.pop("source", "walk_in"),
            priority=values.pop("priority", "normal"),
            fault_description=values.pop("fault_description", "壁挂炉点火失败,显示 F28"),
            due_at=due_at or utcnow() + timedelta(hours=2),
            status=status,
            assigned_to_id=technician.id if technician else None,
            created_by_id=creator.id,
            **values,
        )
        db_session.add(job)
        db_session.flush()
        db_session.add(JobEvent(job_id=job.id, actor_id=creator.id, kind="created"))
        db_session.commit()
        return job

    return make


@pytest.fixture
def make_report(db_session, make_job, make_user):
    """A job that is done, with its visit report, one photo and a signature."""
    from intranet.attachments.service import store_image
    from intranet.jobs.models import JobStatus, VisitReport

    def make(technician=None, job=None, **values):
        technician = technician or make_user(Role.TECHNICIAN)
        job = job or make_job(technician=technician)
        now = utcnow()
        report = VisitReport(
            job_id=job.id,
            client_id=str(uuid.uuid4()),
            technician_id=technician.id,
            arrived_at=now - timedelta(hours=1),
            left_at=now,
            fault_found="点火针积碳",
            cause="燃气杂质",
            action_taken="清洁点火针并试机",
            result="fixed",
            warranty_status="in_warranty",
            satisfaction=5,
            **values,
        )
        db_session.add(report)
        db_session.flush()
        store_image(technician, "visit_report", report.id, "photo", image_bytes(), "photo.jpg")
        report.signature_id = store_image(
            technician, "visit_report", report.id, "signature", image_bytes(image_format="PNG"), "signature.png"
        ).id
        job.status = JobStatus.DONE
        job.done_at = now
        job.callback_due_at = now
        db_session.commit()
        return report

    return make


@pytest.fixture
def make_template(db_session):
    """A published checklist; by default two sections of 10 points with one item of each scored kind."""
    from decimal import Decimal

    from intranet.inspections.models import InspectionTemplate, TemplateItem, TemplateSection

    default = [
        (
            "语言",
            "10",
            [
                {"kind": "deduction", "text": "未使用文明用语", "points": "0.5"},
                {"kind": "pass_fail", "text": "提示客户当面点验", "points": "1", "photo_required_on_fail": True},
            ],
        ),
        (
            "质量",
            "10",
            [
                {"kind": "deduction", "text": "操作差错", "points": "2"},
                {"kind": "number", "text": "室温", "min_value": "10", "max_value": "30"},
                {"kind": "text", "text": "其他"},
            ],
        ),
    ]

    def make(family: str | None = None, sections=None, status: str = "active", version: int = 1):
        family = family or f"T{next(_sequence)}"
        template = InspectionTemplate(
            family=family, code=family, title=f"检查表 {family}", version=version, status=status
        )
        # A section is (title, maximum, items) or (title, maximum, items, capped).
        for s_pos, (title, max_points, items, *capped) in enumerate(sections or default):
            section = TemplateSection(
                title=title, max_points=Decimal(max_points), position=s_pos, capped=capped[0] if capped else True
            )
            for i_pos, item in enumerate(items):
                numbers = ("points", "at_least", "min_value", "max_value")
                values = {k: Decimal(v) if k in numbers else v for k, v in item.items()}
                section.items.append(TemplateItem(position=i_pos, **values))
            template.sections.append(section)
        db_session.add(template)
        db_session.commit()
        return template

    return make


@pytest.fixture
def make_inspection(db_session, make_template, make_user):
    """An inspection assigned by a manager; with answers=dict(item text -> AnswerInput) it is also submitted."""
    from intranet.forms import Upload
    from intranet.inspections import filling
    from intranet.inspections.models import Inspection

    def make(template=None, inspector=None, assigned_by=None, answers=None, photo_for=()):
        template = template or make_template()
        inspector = inspector or make_user(Role.TECHNICIAN)
        assigned_by = assigned_by or make_user(Role.MANAGER)
        inspection = Inspection(
            template_id=template.id,
            branch_id=inspector.branch_id,
            inspector_id=inspector.id,
            assigned_by_id=assigned_by.id,
            due_at=utcnow() + timedelta(days=1),
        )
        db_session.add(inspection)
        db_session.commit()
        if answers is not None:
            by_text = {item.text: item for item in template.items}
            given = {by_text[text].id: answer for text, answer in answers.items()}
            for text in photo_for:
                given[by_text[text].id].photo = Upload(image_bytes(), "photo.jpg")
            filling.submit_inspection(inspector, inspection, str(uuid.uuid4()), given)
            db_session.commit()
        return inspection

    return make


@pytest.fixture
def make_article(db_session):
    """A knowledge-base article, published (revision 1) unless publish=False."""
    from intranet.kb import publishing

    def make(
        title="首问负责制", body="客户来访或来电,第一个接待的员工负责到底。", publish=True, required=False, **values
    ):
        article = publishing.create_article(None, publishing.ArticleData(title=title, body=body, **values))
        if publish:
            publishing.publish(None, article, "第一版", required=required)
        db_session.commit()
        return article

    return make


@pytest.fixture
def url_values(make_user, make_equipment, make_report, make_inspection, make_article, branch):
    """A value for every URL argument of the app's routes, pointing at real records.

    The job is done, has a report with a photo, and belongs to the technician who takes part in the
    authorization matrix (login actor.technician).
    """
    from intranet.attachments.models import Attachment

    equipment = make_equipment()
    target = make_user(Role.TECHNICIAN, login="target.user")
    technician = make_user(Role.TECHNICIAN, login="actor.technician")
    report = make_report(technician=technician)
    photo = db.session.query(Attachment).filter_by(owner_id=report.id, kind="photo").one()
    parts = _parts_url_values(technician, make_user(Role.STOREKEEPER, login="url.keeper"), branch)
    # A submitted inspection by the matrix's technician, with a failed item and its corrective action.
    from intranet.inspections.filling import AnswerInput
    from intranet.inspections.models import CorrectiveAction

    inspection = make_inspection(
        inspector=technician,
        assigned_by=make_user(Role.MANAGER, login="assigner.manager"),
        answers={"未使用文明用语": AnswerInput(count="2"), "提示客户当面点验": AnswerInput(result="pass")},
    )
    action = db.session.query(CorrectiveAction).filter_by(inspection_id=inspection.id).one()
    item = inspection.template.sections[0].items[0]
    article = make_article(title="回访制度", body="维修完成后三天内回访客户。", required=True)
    article.branch_id = branch.id  # written at the branch: its managers may change it
    db.session.commit()
    desk = _frontdesk_url_values(branch, equipment.site.customer, make_user(Role.RECEPTIONIST, login="url.desk"))
    return {
        "notification_id": _notification_for(technician),
        "export_file_id": _export_file_for(technician),
        **parts,
        **desk,
        "filename": "css/app.css",
        "user_id": target.id,
        "branch_id": branch.id,
        "customer_id": equipment.site.customer_id,
        "site_id": equipment.site_id,
        "equipment_id": equipment.id,
        "job_id": report.job_id,
        "attachment_id": photo.id,
        "inspection_id": inspection.id,
        "template_id": inspection.template_id,
        "section_id": item.section_id,
        "item_id": item.id,
        "action_id": action.id,
        "article_id": article.id,
        "file_format": "csv",
        "report": "operations",
    }


def _notification_for(user) -> int:
    """An unread notification of the matrix's technician."""
    from intranet.notifications import service
    from intranet.notifications.kinds import NotificationKind
    from intranet.notifications.models import Notification
    from intranet.notifications.recipients import person

    service.notify(person(user.id), NotificationKind.JOB_DISPATCHED, "/today", lambda: ("新工单", ""))
    db.session.commit()
    return db.session.query(Notification.id).filter_by(recipient_id=user.id).order_by(Notification.id.desc()).first()[0]
def _export_file_for(user) -> int:
    """A background export the matrix's technician asked for, still being written."""
    from intranet.db_types import utcnow
    from intranet.downloads.models import ExportFile

    export_file = ExportFile(
        owner_id=user.id, export_name="inspections", file_format="csv", locale="zh_Hans",
        file_name="inspections.csv", expires_at=utcnow() + timedelta(days=2),
    )  # fmt: skip
    db.session.add(export_file)
    db.session.commit()
    return export_file.id


def _frontdesk_url_values(branch, customer, receptionist) -> dict:
    """An open complaint, a booking that lapsed as a no-show, a visitor signed out, a cancelled room
    booking and a branch holiday: each answers its next step the same way whatever is tried first."""
    from datetime import date

    from intranet.frontdesk.models import (
        Appointment,
        AppointmentSlot,
        CalendarDay,
        Complaint,
        MeetingRoom,
        RoomBooking,
        Visitor,
    )

    now = utcnow()
    complaint = Complaint(
        branch_id=branch.id,
        customer_id=customer.id,
        channel="hotline",
        category="repair_quality",
        severity="minor",
        description="壁挂炉修后又坏",
        owner_id=receptionist.id,
        received_at=now,
        answer_due_at=now + timedelta(days=1),
        warn_at=now + timedelta(hours=18),
        first_due_at=now + timedelta(days=1),
    )
    slot = AppointmentSlot(
        branch_id=branch.id, starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1), capacity=2, booked=1
    )
    db.session.add_all([complaint, slot])
    db.session.flush()
    appointment = Appointment(
        branch_id=branch.id,
        slot_id=slot.id,
        starts_at=slot.starts_at,
        customer_id=customer.id,
        site_id=customer.sites[0].id,
        service_type="repair",
        status="no_show",
        booked_by_id=receptionist.id,
        booked_at=now - timedelta(days=3),
        no_show_at=now - timedelta(hours=1),
    )
    visitor = Visitor(
        branch_id=branch.id,
        name="访客",
        purpose="送资料",
        host_id=receptionist.id,
        id_kind="resident_id",
        id_last4="1234",
        signed_in_at=now - timedelta(hours=1),
        signed_in_by_id=receptionist.id,
        signed_out_at=now,
        signed_out_by_id=receptionist.id,
    )
    room = MeetingRoom(branch_id=branch.id, name="一号会议室", seats=10)
    db.session.add_all([appointment, visitor, room])
    db.session.flush()
    booking = RoomBooking(
        room_id=room.id,
        branch_id=branch.id,
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=1),
        title="例会",
        booked_by_id=receptionist.id,
        booked_at=now,
        cancelled_at=now,
    )
    day = CalendarDay(branch_id=branch.id, day=date(2030, 5, 2), kind="holiday", name="劳动节")
    db.session.add_all([booking, day])
    db.session.commit()
    return {
        "complaint_id": complaint.id,
        "appointment_id": appointment.id,
        "visitor_id": visitor.id,
        "room_booking_id": booking.id,
        "calendar_day_id": day.id,
    }


def _parts_url_values(technician, keeper, branch) -> dict:
    """A part, the branch's warehouse, a submitted request, a loan that is out and an open stock-take."""
    from datetime import date, timedelta
    from decimal import Decimal

    from intranet.parts import ledger, part_requests, stock_takes
    from intranet.parts.models import Loan, Part, Store

    part = Part(code="URL-1", name="点火针", unit="个", price=Decimal("8.00"), min_stock=Decimal(2))
    warehouse = Store(kind="warehouse", name="丰台仓库", branch_id=branch.id)
    db.session.add_all([part, warehouse])
    db.session.flush()
    ledger.post_move(keeper, "receipt", part, 5, to_store=warehouse)
    request = part_requests.create_request(
        technician,
        part_requests.RequestData(
            client_id=str(uuid.uuid4()), lines=[part_requests.RequestLineData("URL-1", Decimal(1))]
        ),
    )
    loan = Loan(
        branch_id=branch.id,
        item="万用表",
        quantity=Decimal(1),
        borrower_id=technician.id,
        lent_by_id=keeper.id,
        due_on=date.today() + timedelta(days=3),
    )
    db.session.add(loan)
    take = stock_takes.start_stock_take(keeper, warehouse)
    db.session.commit()
    return {
        "part_id": part.id,
        "store_id": warehouse.id,
        "request_id": request.id,
        "loan_id": loan.id,
        "stock_take_id": take.id,
    }


def page_text(response) -> str:
    """The visible text of a response, tags stripped, for asserting what a user reads."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def score_rules_in(response) -> dict:
    """The scoring rules an inspection's fill page hands to the browser's running score."""
    return json.loads(re.search(r"data-score-rules='([^']*)'", response.get_data(as_text=True)).group(1))


@pytest.fixture
def make_part(db_session):
    from decimal import Decimal

    from intranet.parts.models import Part

    def make(**values) -> Part:
        n = next(_sequence)
        values = {"code": f"P-{n:05d}", "name": f"配件 {n}", "unit": "个", "price": Decimal("12.50"), **values}
        part = Part(**values)
        db_session.add(part)
        db_session.commit()
        return part

    return make


@pytest.fixture
def make_store(db_session, branch):
    from intranet.parts.models import Store

    def make(kind: str = "warehouse", technician=None, **values) -> Store:
        n = next(_sequence)
        values.setdefault("branch_id", technician.branch_id if technician else branch.id)
        store = Store(
            kind=kind,
            name=values.pop("name", f"仓库 {n}"),
            technician_id=technician.id if technician else None,
            **values,
        )
        db_session.add(store)
        db_session.commit()
        return store

    return make


@pytest.fixture
def stock(db_session, make_user):
    """Put `quantity` of a part into a store through a real receipt (or a transfer for a van)."""
    from intranet.parts import ledger

    def put(store, part, quantity):
        keeper = make_user(Role.STOREKEEPER)
        if store.kind == "warehouse":
            ledger.post_move(keeper, "receipt", part, quantity, to_store=store)
        else:
            ledger.post_move(keeper, "adjustment", part, quantity, to_store=store)
        db_session.commit()

    return put


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`-n N` without another --dist: share the tests out as tests/parallel.py says."""
    if config.getvalue("dist") == "load":
        from tests.parallel import SlowFirstScheduling

        return SlowFirstScheduling(config, log)
    return None
